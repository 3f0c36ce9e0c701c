package io.chorus.testing;

import static io.chorus.testing.InternalCalls.internal;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The internal log API both logs serve (history-service's {@code /internal/messages}, dm-service's
 * {@code /internal/dms}), as gateways rely on it: {@code GET <log>?after=&limit=&<filter>=|all=true}
 * answers {@code {"entries":[...]}} oldest first, each entry's {@code id} its position, and
 * {@code GET <log>/head} answers {@code {"position":N}}. With {@code bytes=}, a page stops once
 * it holds that much text (UTF-8), with at least one entry. Each service's test extends this with
 * how to append to its log and what its filter is.
 */
public abstract class LogApiContract {

    /** The log's path, such as {@code /internal/dms}. */
    protected abstract String logPath();

    /** The query parameter that narrows a read to one scope ({@code group}, {@code user}). */
    protected abstract String filterParameter();

    /** A scope no entry belongs to yet: a new group, a new user. */
    protected abstract String newScope();

    /** Appends an entry through the service's API that a read filtered to {@code scope} shows; its position. */
    protected abstract long append(String scope, String text);

    /** The log's head, as {@code GET <log>/head} answers it. */
    protected long head() {
        return internal().get(logPath() + "/head").then().statusCode(200).extract().jsonPath().getLong("position");
    }

    private RequestSpecification after(long position) {
        return internal().queryParam("after", position);
    }

    private List<Long> ids(RequestSpecification read) {
        return read.get(logPath()).then().statusCode(200).contentType("application/json")
                .extract().jsonPath().getList("entries.id", Long.class);
    }

    @Test
    void headIsTheNewestPositionAndNothingFollowsIt() {
        long position = append(newScope(), "newest");
        assertEquals(position, head());
        after(position).queryParam("all", true).get(logPath()).then().statusCode(200).body("entries", hasSize(0));
    }

    @Test
    void allReadsEveryEntryAfterAPositionOldestFirstWithContiguousPositions() {
        String a = newScope();
        String b = newScope();
        long start = head();
        long first = append(a, "one");
        long second = append(b, "two");
        long third = append(a, "three");
        assertEquals(List.of(start + 1, start + 2, start + 3), List.of(first, second, third));
        assertEquals(List.of(first, second, third), ids(after(start).queryParam("all", true)));
        assertEquals(List.of(second, third), ids(after(first).queryParam("all", true)));
    }

    @Test
    void aFilterReadsOnlyItsScope() {
        String a = newScope();
        String b = newScope();
        long start = head();
        long first = append(a, "in a");
        append(b, "in b");
        long third = append(a, "in a again");
        assertEquals(List.of(first, third), ids(after(start).queryParam(filterParameter(), a)));
        assertEquals(List.of(), ids(after(start).queryParam(filterParameter(), newScope())));
        assertEquals(List.of(), ids(after(start).queryParam(filterParameter(), "no\u0000scope")),
                "a scope no name can have reads nothing, and is no server error");
    }

    @Test
    void aLimitCapsThePageAndPagingOnFromItsLastIdReadsTheRest() {
        String scope = newScope();
        long start = head();
        long first = append(scope, "one");
        long second = append(scope, "two");
        long third = append(scope, "three");
        assertEquals(List.of(first, second), ids(after(start).queryParam(filterParameter(), scope).queryParam("limit", 2)));
        assertEquals(List.of(third), ids(after(second).queryParam(filterParameter(), scope).queryParam("limit", 2)));
        after(start).queryParam("all", true).queryParam("limit", 1).get(logPath())
                .then().statusCode(200).body("entries", hasSize(1)).body("entries[0].id", equalTo((int) first));
    }

    @Test
    void aByteBoundCutsThePageOnceItHoldsThatMuchTextAndAlwaysTakesOneEntry() {
        String scope = newScope();
        long start = head();
        String large = "€".repeat(1000);
        long first = append(scope, large);
        long second = append(scope, large);
        long third = append(scope, large);
        long fourth = append(scope, "short");
        // 3,000 bytes of text each (€ is three bytes in UTF-8): the first two reach 5,000 bytes.
        assertEquals(List.of(first, second),
                ids(after(start).queryParam(filterParameter(), scope).queryParam("bytes", 5000)));
        assertEquals(List.of(first), ids(after(start).queryParam(filterParameter(), scope).queryParam("bytes", 1)),
                "an entry larger than the bound still comes, alone");
        assertEquals(List.of(third, fourth),
                ids(after(second).queryParam(filterParameter(), scope).queryParam("bytes", 5000)));
        assertEquals(List.of(first, second, third, fourth),
                ids(after(start).queryParam(filterParameter(), scope).queryParam("bytes", 1 << 20)));
    }

    /** Without the internal credential, or with a wrong one, the log shows nothing: 401, no entries. */
    @ParameterizedTest
    @ValueSource(strings = {"", "wrong-credential", "x"})
    void refusesCallersWithoutTheInternalCredential(String credential) {
        long position = append(newScope(), "secret");
        for (String path : List.of(logPath() + "?after=0&all=true", logPath() + "/head")) {
            RequestSpecification request = credential.isEmpty() ? given() : internal(credential);
            request.get(path).then().statusCode(401).contentType("application/problem+json")
                    .body("entries", org.hamcrest.Matchers.nullValue())
                    .body("position", org.hamcrest.Matchers.nullValue());
        }
        // The same read with the credential does show the entry: the refusal above was the credential's doing.
        assertEquals(true, ids(after(position - 1).queryParam("all", true)).contains(position));
    }

    @ParameterizedTest
    @ValueSource(strings = {"after=0", "limit=5", "after=abc&all=true", "after=-1&all=true", "after=1.5&all=true",
            "limit=0&all=true", "limit=1001&all=true", "limit=ten&all=true", "bytes=0&all=true", "bytes=-5&all=true",
            "bytes=lots&all=true", "bytes=99999999999&all=true"})
    void refusesABadReadWithAProblem(String query) {
        internal().get(logPath() + "?" + query).then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400));
    }
}
