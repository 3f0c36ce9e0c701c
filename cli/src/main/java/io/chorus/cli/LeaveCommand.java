package io.chorus.cli;

import picocli.CommandLine.Command;

@Command(name = "leave", description = "Leave a group (leaving twice is fine).")
final class LeaveCommand extends GroupCommand {

    @Override
    public Integer call() {
        chorus.api().leave(group);
        chorus.print(chorus.mapper.createObjectNode().put("group", group).put("member", false), "Left " + group + ".");
        return 0;
    }
}
