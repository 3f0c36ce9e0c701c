package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/** The web page served by the gateway, used by people in real (headless) browsers. */
// It seeds 120 messages from one user in a second or two, past the per-user post burst.
@AgainstCluster.PerUserLimitsOff
class WebClientIT extends AgainstCluster {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path SCREENSHOTS = Path.of(System.getProperty("chorus.root", ".."), "e2e-tests/target/screenshots");

    @BeforeAll
    static void requireBrowser() {
        // Fails rather than skips: a web client nobody tested is not done. .ci/run installs both.
        if (!WebPage.browserInstalled()) {
            throw new IllegalStateException(
                    "the web client tests need /usr/bin/chromium and /usr/bin/chromedriver: apt-get install chromium chromium-driver");
        }
    }

    private static WebPage page(String person) {
        return new WebPage(api.gateway(), Api.unique(person), SCREENSHOTS).open();
    }

    private static String password(WebPage page) {
        return "password-of-" + page.name;
    }

    @Test
    void groupChatIsLiveSurvivesAReloadAndMissesNothingAcrossAGatewayRestart() throws Exception {
        String group = Api.unique("garden");
        try (WebPage alice = page("alice"); WebPage bob = page("bob")) {
            alice.register(password(alice));
            bob.register(password(bob));
            alice.createGroup(group);
            bob.joinGroup(group);

            List<String> expected = new ArrayList<>();
            alice.send("tea at five?");
            expected.add("tea at five?");
            bob.awaitTexts(expected, WAIT);
            assertEquals("composer-text", alice.activeElementId(), "focus stays in the message box");
            bob.send("only if there is cake");
            expected.add("only if there is cake");
            alice.awaitTexts(expected, WAIT);
            bob.awaitTexts(expected, WAIT);

            // Markup in a message is text, never markup.
            String markup = "<b>bold?</b> <img src=x onerror=alert(1)> & \"quotes\"";
            alice.send(markup);
            expected.add(markup);
            bob.awaitTexts(expected, WAIT);
            assertTrue(bob.elements("#message-list .text b, #message-list .text img").isEmpty());
            alice.screenshot("group-alice");
            bob.screenshot("group-bob");

            bob.reload();
            bob.awaitTexts(expected, WAIT);
            bob.awaitLive();
            bob.screenshot("group-bob-after-reload");
            alice.send("welcome back");
            expected.add("welcome back");
            bob.awaitTexts(expected, WAIT);

            // The gateway restarts while alice keeps writing: her page retries its sends (same
            // clientId), bob's page reconnects and resumes from the last event id it saw.
            CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> cluster.restart("group-gateway"));
            for (int i = 1; i <= 3; i++) {
                alice.send("during restart " + i);
                expected.add("during restart " + i);
            }
            restart.get(120, TimeUnit.SECONDS);
            alice.send("after restart");
            expected.add("after restart");
            alice.awaitTexts(expected, Duration.ofSeconds(90));
            assertFalse(alice.pendingSends());
            bob.awaitTexts(expected, Duration.ofSeconds(90));
            List<Long> ids = bob.ids();
            assertEquals(ids.stream().distinct().sorted().toList(), ids, "each message once, in id order");
            bob.awaitLive();
            bob.screenshot("group-bob-after-gateway-restart");
        }
    }

    @Test
    void listsEveryGroupOfYoursAndSuggestsGroupsToJoinPastTheFirstPageOfTheList() {
        String prefix = Api.unique("many");
        // One more than the page asks for per page of the caller's groups (200): the last is on a second page.
        List<String> many = IntStream.rangeClosed(0, 200).mapToObj(i -> prefix + String.format("-%03d", i)).toList();
        try (WebPage alice = page("alice"); WebPage bob = page("bob")) {
            alice.register(password(alice));
            bob.register(password(bob));
            String token = alice.token();
            many.parallelStream().forEach(group -> api.createGroup(token, group));
            alice.reload();
            await("every group of alice's in her sidebar").atMost(WAIT).pollInSameThread()
                    .until(() -> alice.sidebarEntries().stream().filter(e -> e.startsWith("# " + prefix)).count() == many.size());
            assertTrue(alice.sidebarEntries().stream().anyMatch(e -> e.startsWith("# " + many.getLast())),
                    "the group on the second page too");

            // bob's join box asks the server for what he types, wherever it is in the list.
            bob.type("join-group-name", prefix.toUpperCase() + "-19");
            List<String> expected = many.subList(190, 200);
            await("bob's suggestions").atMost(WAIT).pollInSameThread()
                    .until(() -> bob.elements("#other-groups option").stream().map(o -> o.getAttribute("value")).toList(),
                            expected::equals);
            bob.element("#join-group-name").clear();
            bob.joinGroup(many.get(195));
        }
    }

    @Test
    void directMessagesArriveLiveWithAnUnreadMarkAndBothSidesSeeTheConversation() {
        try (WebPage alice = page("alice"); WebPage bob = page("bob")) {
            alice.register(password(alice));
            bob.register(password(bob));
            alice.openDirect(bob.name);
            alice.send("bring the cake");
            alice.awaitTexts(List.of("bring the cake"), WAIT);

            // bob has nothing open: alice appears in his sidebar with one unread message.
            await("bob's unread mark").atMost(WAIT).pollInSameThread()
                    .until(() -> bob.sidebarEntries().contains(alice.name + " 1 unread"));
            bob.openFromSidebar(alice.name);
            bob.awaitTexts(List.of("bring the cake"), WAIT);
            bob.send("on my way");
            alice.awaitTexts(List.of("bring the cake", "on my way"), WAIT);
            bob.awaitTexts(List.of("bring the cake", "on my way"), WAIT);
            bob.screenshot("dm-bob");
        }
    }

    @Test
    void showsUnreadBadgesEditsDeletesTypingPresenceAndSearch() {
        String group = Api.unique("studio");
        try (WebPage alice = page("alice"); WebPage bob = page("bob")) {
            alice.register(password(alice));
            bob.register(password(bob));
            alice.createGroup(group);
            bob.joinGroup(group);
            bob.openDirect(alice.name);

            // bob looks elsewhere: the group gets an unread badge, which the server keeps too.
            alice.send("first draft");
            alice.awaitTexts(List.of("first draft"), WAIT);
            await("bob's unread badge").atMost(WAIT).pollInSameThread()
                    .until(() -> bob.sidebarEntries().contains("# " + group + " 1 unread"));
            bob.openFromSidebar("# " + group);
            bob.awaitTexts(List.of("first draft"), WAIT);
            await("bob's read marker").atMost(WAIT).until(() -> given().auth().oauth2(bob.token())
                    .get(api.gateway() + "/api/groups?member=me").then().statusCode(200).extract().jsonPath()
                    .getInt("groups.find { it.name == '" + group + "' }.unread") == 0);
            assertTrue(bob.sidebarEntries().contains("# " + group), bob.sidebarEntries().toString());

            long id = alice.ids().getFirst();
            alice.clickLabelled("Edit message " + id);
            alice.typeInLabelled("New text of message " + id, "final draft");
            alice.awaitTexts(List.of("final draft"), WAIT);
            bob.awaitTexts(List.of("final draft"), WAIT);
            assertTrue(bob.element("#message-list li[data-id='" + id + "'] .edited").getText().contains("edited"));

            bob.type("search-text", "draft", Keys.ENTER);
            await("bob's search").atMost(WAIT).pollInSameThread().until(() -> bob.searchResults().equals(List.of("final draft")));

            // As a person does: keep typing. A key press within 2 s of the last notice sends none
            // (the page's throttle, and the services'), so one press alone may show nothing.
            await("bob sees alice typing").atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(700))
                    .until(() -> {
                        alice.type("composer-text", "a");
                        return bob.text("typing").equals(alice.name + " is typing…");
                    });
            await("bob sees alice online").atMost(WAIT).pollInSameThread()
                    .until(() -> bob.text("online").contains(alice.name));

            alice.clickLabelled("Delete message " + id);
            bob.awaitTexts(List.of("Message deleted"), WAIT);
            alice.awaitTexts(List.of("Message deleted"), WAIT);
            bob.screenshot("features-bob");
        }
    }

    @Test
    void scrollsBackThroughHistoryPageByPage() {
        String group = Api.unique("archive");
        try (WebPage reader = page("reader")) {
            String token = api.signUp(reader.name);
            api.createGroup(token, group);
            List<String> all = IntStream.rangeClosed(1, 120).mapToObj(i -> "message " + i).toList();
            all.forEach(text -> api.post(token, group, text));

            reader.signIn(password(reader));
            reader.openFromSidebar("# " + group);
            reader.awaitTexts(all.subList(70, 120), WAIT);
            reader.click("load-older");
            reader.awaitTexts(all.subList(20, 120), WAIT);
            reader.click("load-older");
            reader.awaitTexts(all, WAIT);
            assertTrue(reader.element("#history-start").isDisplayed());
            assertFalse(reader.element("#load-older").isDisplayed());
            reader.screenshot("history-start");
        }
    }
}
