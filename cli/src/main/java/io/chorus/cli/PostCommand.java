package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "post", description = "Post a message to a group you are a member of.")
final class PostCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The words of the message.")
    List<String> words;

    @Override
    public Integer call() {
        JsonNode message = chorus.api().post(group, String.join(" ", words));
        chorus.print(message, "Posted to " + message.path("group").asText(group) + " (#" + message.path("id").asText() + ").");
        return 0;
    }
}
