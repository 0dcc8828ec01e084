package dev.jthreadtrace.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The agent loads every class of its package at its install: the list is every class compiled there. */
class OwnClassesTest {
    @Test
    void theListIsEveryClassOfThePackage() throws IOException, URISyntaxException {
        Path dir = Path.of(OwnClasses.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve("dev/jthreadtrace/agent");
        try (Stream<Path> files = Files.list(dir)) {
            List<String> compiled = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> n.substring(0, n.length() - ".class".length())).sorted().toList();
            assertEquals(compiled, Arrays.stream(OwnClasses.NAMES).sorted().toList());
        }
    }

    @Test
    void allLoad() {
        assertEquals("", OwnClasses.load());
    }
}
