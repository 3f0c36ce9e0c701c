package io.chorus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "leave", description = "Leave a group (leaving twice is fine).")
final class LeaveCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Parameters(paramLabel = "GROUP")
    String group;

    @Override
    public Integer call() {
        chorus.api().leave(group);
        chorus.print(chorus.mapper.createObjectNode().put("group", group).put("member", false), "Left " + group + ".");
        return 0;
    }
}
