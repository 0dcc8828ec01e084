package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jthreadtrace.decode.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process forked and a thread created inside a signal handler inherit the mask the kernel set for
 * the handler (the thread's, the handler's sa_mask, the signal), which no call showed; rt_sigreturn
 * puts the old one back. Each child prints its mask from /proc (the oracle, the untraced run's); the
 * trace's inherited masks must be those, live and from the saved trace. Before, the forked child was
 * shown inheriting the mask from before the signal ([]).
 */
@Timeout(120)
class HandlerMaskIT {
    private static final List<String> CHILDREN = List.of("handler-child", "handler-thread", "after-thread");

    @Test
    void childrenMadeInAHandlerInheritTheHandlersMask(@TempDir Path tmp) throws Exception {
        String fixture = Traced.fixture("handler_spawn").toString();
        Tool.Result untraced = Tool.run(List.of(fixture));
        assertEquals(0, untraced.code(), untraced.err());
        Map<String, String> truth = truth(untraced.out());
        assertEquals("[USR1 USR2]", truth.get("handler-child"), untraced.out());
        assertEquals("[]", truth.get("after-thread"), untraced.out());

        Path trace = tmp.resolve("trace.jsonl");
        Tool.Result traced = Tool.run(Tool.jar("run", "--report", "timeline", "-o", trace.toString(), "--format", "jsonl", "--", fixture));
        assertEquals(0, traced.code(), traced.err());
        Map<String, JsonNode> threads = new HashMap<>();
        for (JsonNode t : ThreadNamesIT.records(trace, "thread")) threads.put(t.get("name").asText(), t);
        for (String child : CHILDREN) {
            assertEquals(truth.get(child), threads.get(child).get("inherited").get("sigmask").asText(), child + ": " + threads.keySet());
        }
        String main = threads.get("handler_spawn").get("final").get("sigmask").asText();
        assertEquals("[]", main, "rt_sigreturn put the mask from before the handler back");

        for (String child : CHILDREN) {
            Tool.Result checked = Tool.run(Tool.jar("check", "--assert",
                    "inherits{name=\"" + child + "\", hook=\"sigmask\"} == \"" + truth.get(child) + "\"", trace.toString()));
            assertEquals(0, checked.code(), "the saved trace, " + child + ": " + checked.out() + checked.err());
        }
    }

    /** "truth NAME SIGBLK-HEX" lines, the masks as the tool renders them. */
    private static Map<String, String> truth(String out) {
        Map<String, String> masks = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^truth (\\S+) ([0-9a-f]{16})$").matcher(out);
        while (m.find()) masks.put(m.group(1), Signals.renderSet(Long.parseUnsignedLong(m.group(2), 16)));
        assertEquals(CHILDREN.size(), masks.size(), out);
        return masks;
    }
}
