package io.chorus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private static List<SseParser.Event> parse(SseParser parser, String... lines) {
        List<SseParser.Event> events = new ArrayList<>();
        for (String line : lines) {
            parser.line(line).ifPresent(events::add);
        }
        return events;
    }

    @Test
    void dispatchesOnBlankLine() {
        SseParser parser = new SseParser();
        List<SseParser.Event> events = parse(parser,
                "id: 42", "event: group-message", "data: {\"id\":42}", "",
                "id: 43", "event: group-message", "data: {\"id\":43}");
        assertEquals(List.of(new SseParser.Event("42", "group-message", "{\"id\":42}")), events);
        assertEquals(List.of(new SseParser.Event("43", "group-message", "{\"id\":43}")), parse(parser, ""));
    }

    @Test
    void tellsEventsWithAnIdLineFromThoseCarryingTheLastOneOver() {
        SseParser parser = new SseParser();
        assertEquals("5", parse(parser, "id: 5", "event: group-message", "data: {}", "").get(0).id());
        assertTrue(parser.lastHadOwnId());
        assertEquals("5", parse(parser, "event: typing", "data: {}", "").get(0).id());
        assertFalse(parser.lastHadOwnId(), "typing has no id line of its own");
    }

    @Test
    void joinsDataLinesWithNewlines() {
        assertEquals("a\nb\n", parse(new SseParser(), "data: a", "data:b", "data", "").get(0).data());
    }

    @Test
    void stripsOnlyOneLeadingSpace() {
        assertEquals("  two", parse(new SseParser(), "data:   two", "").get(0).data());
    }

    @Test
    void carriesTheLastIdOverToLaterEvents() {
        List<SseParser.Event> events = parse(new SseParser(), "id: 7-1", "data: x", "", "data: y", "");
        assertEquals("7-1", events.get(1).id());
    }

    @Test
    void defaultsTheTypeToMessageAndResetsItPerEvent() {
        List<SseParser.Event> events = parse(new SseParser(), "event: direct-message", "data: x", "", "data: y", "");
        assertEquals("direct-message", events.get(0).type());
        assertEquals("message", events.get(1).type());
    }

    @Test
    void reportsHeartbeatCommentsWithoutDispatching() {
        SseParser parser = new SseParser();
        assertTrue(parse(parser, ": heartbeat", "").isEmpty());
        assertTrue(parser.takeComment());
        assertFalse(parser.takeComment());
    }

    @Test
    void idWithoutDataDispatchesOnlyACursor() {
        SseParser parser = new SseParser();
        List<SseParser.Event> cursor = parse(parser, ": cursor", "id: 9", "");
        assertEquals(1, cursor.size());
        assertTrue(cursor.get(0).isCursorOnly());
        assertEquals("9", cursor.get(0).id());
        assertTrue(parse(parser, "event: group-message", "").isEmpty(), "no id, no data: nothing");
        assertEquals("9", parser.lastId());
        assertEquals("message", parse(parser, "data: z", "").get(0).type());
    }

    @Test
    void ignoresIdsContainingNul() {
        SseParser parser = new SseParser();
        parse(parser, "id: 1", "id: 2\0x", "data: d", "");
        assertEquals("1", parser.lastId());
    }

    @Test
    void ignoresUnknownFieldsAndDispatchesNothingForRetry() {
        assertEquals(List.of(new SseParser.Event(null, "message", "d")),
                parse(new SseParser(), "retry: 10", "foo: bar", "data: d", ""));
        assertEquals(List.of(), parse(new SseParser(), "retry: 10", ""));
    }

    @Test
    void takesTheReconnectionTimeFromRetryAndKeepsTheLastOne() {
        SseParser parser = new SseParser();
        assertEquals(Optional.empty(), parser.retry());
        parse(parser, ":cursor", "retry: 2345", "id: 4", "");
        assertEquals(Optional.of(Duration.ofMillis(2345)), parser.retry());
        parse(parser, "retry: 1200", "");
        assertEquals(Optional.of(Duration.ofMillis(1200)), parser.retry());
    }

    @Test
    void ignoresARetryThatIsNotOnlyDigits() {
        SseParser parser = new SseParser();
        parse(parser, "retry: 1500", "", "retry: 2s", "retry: -5", "retry: 1.5", "retry:", "");
        assertEquals(Optional.of(Duration.ofMillis(1500)), parser.retry());
    }
}
