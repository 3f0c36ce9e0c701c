package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "send", description = "Send a direct message.")
final class SendCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Parameters(index = "0", paramLabel = "USER")
    String peer;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The words of the message.")
    List<String> words;

    @Override
    public Integer call() {
        JsonNode message = chorus.api().sendDirect(peer, String.join(" ", words));
        chorus.print(message, "Sent to " + message.path("to").asText(peer) + " (#" + message.path("id").asText() + ").");
        return 0;
    }
}
