package io.chorus.history.repository;

import io.agroal.api.AgroalDataSource;
import io.chorus.common.log.Appended;
import io.chorus.common.log.LogFilter;
import io.chorus.common.log.LogStore;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.naming.NameRule;
import io.chorus.history.service.Append;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The group log on the shared {@link LogStore}: the filters this log is read by. */
@ApplicationScoped
public class MessageRepository {

    private static final LogFilter MESSAGES = LogFilter.where("kind = ?", GroupLogEntry.MESSAGE);
    private static final LogFilter MEMBERSHIP = LogFilter.where("kind <> ?", GroupLogEntry.MESSAGE);

    private final LogStore<Append, GroupLogEntry> store;

    public MessageRepository(AgroalDataSource dataSource) {
        this.store = new LogStore<>(dataSource, new GroupLogSchema());
    }

    /** Appends a batch in one transaction; one result per append, in order. */
    public List<Appended<GroupLogEntry>> append(List<Append> appends) {
        return store.append(appends);
    }

    /** A page of one group's messages (not its joins and leaves), oldest first; see {@link LogStore#page}. */
    public List<GroupMessage> page(String group, Long before, Long after, int limit) {
        return store.page(inGroup(group).and(MESSAGES), before, after, limit).stream().map(GroupLogEntry::message).toList();
    }

    /**
     * Entries after a position, oldest first: of every group when {@code groups} is null; only
     * joins and leaves when {@code membershipOnly} (gateways rebuild their membership from them).
     */
    public List<GroupLogEntry> after(long position, List<String> groups, boolean membershipOnly, int limit) {
        LogFilter filter = groups == null ? LogFilter.ALL
                : LogFilter.where("group_key = ANY (?)", (Object) groups.stream().map(NameRule::key).toArray(String[]::new));
        return store.after(position, membershipOnly ? filter.and(MEMBERSHIP) : filter, limit);
    }

    /** The position of the newest committed entry (0 for an empty log). */
    public long head() {
        return store.head();
    }

    private static LogFilter inGroup(String group) {
        return LogFilter.where("group_key = ?", NameRule.key(group));
    }
}
