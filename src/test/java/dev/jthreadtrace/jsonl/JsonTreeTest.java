package dev.jthreadtrace.jsonl;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The streaming tree reader against Jackson's ObjectMapper, the reader it replaces. */
class JsonTreeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void readsTheTreeObjectMapperReads() throws IOException {
        for (String line : List.of(
                "{\"type\":\"syscall\",\"seq\":1,\"tid\":4242,\"args\":[1,-2,9223372036854775807,18446744073709551615]}",
                "{\"a\":{\"b\":[[],{},[{\"c\":null}]]},\"t\":true,\"f\":false,\"d\":-1.5e3,\"s\":\"x\\u001b[2J\\n\\\"y\\\"\"}",
                "{\"dup\":1,\"dup\":\"second\"}",
                "{\"big\":123456789012345678901234567890,\"int\":2147483647,\"long\":2147483648}",
                "{\"name\":\"\u00e9\u4e2d\ud83d\ude00\"}",
                "{\"trailing\":1} and then the program's own output")) {
            assertEquals(MAPPER.readTree(line), JsonTree.read(line), line);
        }
    }

    @Test
    void refusesWhatIsNotJsonLikeObjectMapper() {
        for (String line : List.of("{\"cut\":[1,2", "{not json}", "{\"a\":tru}", "{\"a\":1,}")) {
            assertThrows(IOException.class, () -> MAPPER.readTree(line), line);
            assertThrows(IOException.class, () -> JsonTree.read(line), line);
        }
    }

    /** A hostile file cannot overflow the reader's stack: the parser refuses deep nesting first. */
    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThrows(IOException.class, () -> JsonTree.read(deep));
    }
}
