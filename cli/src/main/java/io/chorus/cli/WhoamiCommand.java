package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "whoami", description = "Show who the saved token belongs to, as user-service sees it.")
final class WhoamiCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Override
    public Integer call() {
        JsonNode me = chorus.api().me();
        chorus.print(me, me.path("name").asText());
        return 0;
    }
}
