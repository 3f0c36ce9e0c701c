package io.chorus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** What the commands on one group (create, join, leave, who) share: the session and the group's name. */
abstract class GroupCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Parameters(paramLabel = "GROUP")
    String group;
}
