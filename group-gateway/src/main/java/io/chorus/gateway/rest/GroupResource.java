package io.chorus.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chorus.common.error.ProblemException;
import io.chorus.gateway.group.Group;
import io.chorus.gateway.group.Groups;
import io.chorus.gateway.group.Member;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

@Path("/api/groups")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@RunOnVirtualThread
public class GroupResource {

    private final Groups groups;
    private final JsonWebToken caller;

    public GroupResource(Groups groups, JsonWebToken caller) {
        this.groups = groups;
        this.caller = caller;
    }

    @POST
    public Response create(@NotNull(message = "a JSON body {\"name\"} is required") CreateRequest request) {
        GroupView created = GroupView.of(groups.create(request.name(), caller.getName(), bearer()));
        return Response.created(URI.create("/api/groups/" + created.name())).entity(created).build();
    }

    @GET
    public GroupList list(@QueryParam("member") String member) {
        if (member != null && !member.equals("me")) {
            throw ProblemException.invalid("member takes only the value 'me'");
        }
        return new GroupList(groups.list(member == null ? null : caller.getName()).stream().map(GroupView::of).toList());
    }

    @GET
    @Path("/{group}")
    public GroupView find(@PathParam("group") String group) {
        return GroupView.of(groups.find(group));
    }

    @GET
    @Path("/{group}/members")
    public MemberList members(@PathParam("group") String group) {
        return new MemberList(groups.members(group));
    }

    @PUT
    @Path("/{group}/members/me")
    public GroupView join(@PathParam("group") String group) {
        return GroupView.of(groups.join(group, caller.getName(), bearer()));
    }

    @DELETE
    @Path("/{group}/members/me")
    public Response leave(@PathParam("group") String group) {
        groups.leave(group, caller.getName(), bearer());
        return Response.noContent().build();
    }

    /** history-service takes the member from the token (however it reached us: header or ?access_token=). */
    private String bearer() {
        return "Bearer " + caller.getRawToken();
    }

    public record CreateRequest(String name) {
    }

    /**
     * @param cursor after a join (or a create), the join's position in the group log: a stream
     *               opened with it as Last-Event-ID shows exactly what came after the join
     */
    public record GroupView(String name, String createdBy, Instant createdAt, int memberCount,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Long cursor) {
        static GroupView of(Group group) {
            return new GroupView(group.name(), group.createdBy(), group.createdAt(), group.memberCount(), null);
        }

        static GroupView of(Groups.Change change) {
            Group group = change.group();
            return new GroupView(group.name(), group.createdBy(), group.createdAt(), group.memberCount(), change.position());
        }
    }

    public record GroupList(List<GroupView> groups) {
    }

    public record MemberList(List<Member> members) {
    }
}
