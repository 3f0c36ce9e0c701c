package io.chorus.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chorus.common.error.ProblemException;
import io.chorus.common.limits.SharedWriteBudget;
import io.chorus.common.limits.TypingThrottle;
import io.chorus.common.message.Cursor;
import io.chorus.common.naming.NameRule;
import io.chorus.gateway.client.HistoryClient;
import io.chorus.gateway.client.Upstream;
import io.chorus.gateway.group.Group;
import io.chorus.gateway.group.Groups;
import io.chorus.gateway.group.Member;
import io.chorus.gateway.stream.Presence;
import io.quarkus.runtime.annotations.RegisterForReflection;
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
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Groups, membership, read markers and typing. Every write first takes from the user's one write
 * budget ({@link SharedWriteBudget}); typing does not (it has its own throttle).
 */
@Path("/api/groups")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@RunOnVirtualThread
public class GroupResource {

    private static final Logger LOG = Logger.getLogger(GroupResource.class);

    private final Groups groups;
    private final HistoryClient history;
    private final JsonWebToken caller;
    private final TypingThrottle typingThrottle;
    private final Presence presence;
    private final SharedWriteBudget writes;

    public GroupResource(Groups groups, @RestClient HistoryClient history, JsonWebToken caller, TypingThrottle typingThrottle,
                         Presence presence, SharedWriteBudget writes) {
        this.groups = groups;
        this.history = history;
        this.caller = caller;
        this.typingThrottle = typingThrottle;
        this.presence = presence;
        this.writes = writes;
    }

    @POST
    public Response create(@NotNull(message = "a JSON body {\"name\"} is required") CreateRequest request) {
        writes.take(caller.getName());
        GroupView created = GroupView.of(groups.create(request.name(), caller.getName(), bearer()));
        return Response.created(URI.create("/api/groups/" + created.name())).entity(created).build();
    }

    /**
     * A page of every group, or ({@code ?member=me}) of the caller's, each of those with their
     * unread count and read marker: one call to history-service per page, whatever its size.
     */
    @GET
    public Object list(@QueryParam("member") String member, @QueryParam("after") String after,
                       @QueryParam("limit") String limit) {
        if (member != null && !member.equals("me")) {
            throw ProblemException.invalid("member takes only the value 'me'");
        }
        if (member == null) {
            Groups.Page page = groups.page(null, after, limit);
            return new GroupList(page.groups().stream().map(GroupView::of).toList(), page.next());
        }
        Groups.Page mine = groups.page(caller.getName(), after, limit);
        Map<String, HistoryClient.Unread> unread = unread(mine.groups());
        return new MemberGroupList(mine.groups().stream().map(group -> {
            String key = NameRule.key(group.name());
            return MemberGroupView.of(group, unread == null ? null : unread.getOrDefault(key, new HistoryClient.Unread(key, 0, null)));
        }).toList(), mine.next());
    }

    /**
     * Moves the caller's read marker forward (SPEC): an older id changes nothing, one past the
     * newest is taken as the newest. 204; members only.
     */
    @PUT
    @Path("/{group}/read")
    public Response markRead(@PathParam("group") String group,
                             @NotNull(message = "a JSON body {\"upTo\": <message id>} is required") ReadRequest request) {
        writes.take(caller.getName());
        String target = groups.requireMember(group, caller.getName());
        HistoryClient.ReadRequest read = new HistoryClient.ReadRequest(Cursor.upTo(request.upTo()));
        Upstream.call("history-service", () -> {
            history.markRead(target, read, bearer());
            return null;
        });
        return Response.noContent().build();
    }

    /** The group's members who hold a stream on any replica (as of the last presence sync, ~2 s). */
    @GET
    @Path("/{group}/presence")
    public PresenceView presence(@PathParam("group") String group) {
        String target = groups.requireMember(group, caller.getName());
        return new PresenceView(presence.onlineIn(NameRule.key(target)).stream().sorted(String.CASE_INSENSITIVE_ORDER).toList());
    }

    /**
     * The caller is typing (SPEC, Live streams): 204, members only. At most one notice per member
     * and group every 2 s goes on; the rest are answered and dropped here, before any call.
     */
    @POST
    @Path("/{group}/typing")
    public Response typing(@PathParam("group") String group) {
        String target = groups.requireMember(group, caller.getName());
        if (typingThrottle.pass(NameRule.key(target) + "/" + NameRule.key(caller.getName()))) {
            Upstream.call("history-service", () -> {
                history.typing(target, bearer());
                return null;
            });
        }
        return Response.noContent().build();
    }

    /**
     * The counts by group key; null when history-service cannot answer. The list still answers
     * then (a group list is what a client shows first), without counts; the client asks again.
     */
    private Map<String, HistoryClient.Unread> unread(List<Group> mine) {
        if (mine.isEmpty()) {
            return Map.of();
        }
        try {
            List<String> names = mine.stream().map(Group::name).toList();
            return Upstream.call("history-service", () -> history.unread(names, bearer())).groups().stream()
                    .collect(Collectors.toMap(HistoryClient.Unread::groupKey, counts -> counts, (a, b) -> a));
        } catch (ProblemException e) {
            LOG.warnf("unread counts left out of a group list: %s", e.getMessage());
            return null;
        }
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
        writes.take(caller.getName());
        return GroupView.of(groups.join(group, caller.getName(), bearer()));
    }

    @DELETE
    @Path("/{group}/members/me")
    public Response leave(@PathParam("group") String group) {
        writes.take(caller.getName());
        groups.leave(group, caller.getName(), bearer());
        return Response.noContent().build();
    }

    /** history-service takes the member from the token (however it reached us: header or ?access_token=). */
    private String bearer() {
        return "Bearer " + caller.getRawToken();
    }

    @RegisterForReflection
    public record CreateRequest(String name) {
    }

    /**
     * @param owner  who may delete any message of the group: its creator
     * @param cursor after a join (or a create), the join's position in the group log: a stream
     *               opened with it as Last-Event-ID shows exactly what came after the join
     */
    @RegisterForReflection
    public record GroupView(String name, String owner, String createdBy, Instant createdAt, int memberCount,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Long cursor) {
        /** The creator owns the group (SPEC); {@code createdBy} stays for clients that read it. */
        static GroupView of(Group group) {
            return of(group, null);
        }

        static GroupView of(Groups.Change change) {
            return of(change.group(), change.position());
        }

        private static GroupView of(Group group, Long cursor) {
            return new GroupView(group.name(), group.createdBy(), group.createdBy(), group.createdAt(), group.memberCount(),
                    cursor);
        }
    }

    /** {@code next}: the {@code after} of the following page, left out on the last page. */
    @RegisterForReflection
    public record GroupList(List<GroupView> groups, @JsonInclude(JsonInclude.Include.NON_NULL) String next) {
    }

    @RegisterForReflection
    public record ReadRequest(Long upTo) {
    }

    @RegisterForReflection
    public record PresenceView(List<String> online) {
    }

    /**
     * One of the caller's groups. {@code unread}: others' messages after the caller's marker (or
     * join), tombstones and joins not counted; {@code lastRead}: the marker, null before any.
     * {@code unread} is left out (and {@code lastRead} null) when history-service could not be asked.
     */
    @RegisterForReflection
    public record MemberGroupView(String name, String owner, String createdBy, Instant createdAt, int memberCount,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) Long unread,
                                  @JsonInclude(JsonInclude.Include.ALWAYS) Long lastRead) {
        static MemberGroupView of(Group group, HistoryClient.Unread counts) {
            return new MemberGroupView(group.name(), group.createdBy(), group.createdBy(), group.createdAt(),
                    group.memberCount(), counts == null ? null : counts.unread(), counts == null ? null : counts.lastRead());
        }
    }

    @RegisterForReflection
    public record MemberGroupList(List<MemberGroupView> groups, @JsonInclude(JsonInclude.Include.NON_NULL) String next) {
    }

    @RegisterForReflection
    public record MemberList(List<Member> members) {
    }
}
