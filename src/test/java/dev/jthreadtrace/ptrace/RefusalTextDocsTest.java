package dev.jthreadtrace.ptrace;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lines the tool prints when tracing cannot start inside a container are the ones the README's
 * "Running jthreadtrace inside a container" lists: each template of {@link RefusalText}, word for
 * word, in that subsection's text block, and no line there that the tool does not print. The man
 * page's CONTAINERS paragraph points to them.
 */
class RefusalTextDocsTest {
    private static final String HEADING = "### Running jthreadtrace inside a container";

    @Test
    void theReadmeListsEveryLineTheToolPrints() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int at = readme.indexOf(HEADING);
        assertTrue(at >= 0, "README.md has the subsection " + HEADING);
        assertTrue(readme.subList(0, at).stream().anyMatch(l -> l.equals("## In containers and Kubernetes")),
                "under the section \"In containers and Kubernetes\"");
        List<String> documented = new ArrayList<>();
        boolean inFence = false;
        for (int i = at + 1; i < readme.size() && (inFence || !readme.get(i).startsWith("#")); i++) {
            String line = readme.get(i);
            if (line.startsWith("```")) inFence = !inFence;
            if (line.startsWith("jthreadtrace: ")) documented.add(line.substring("jthreadtrace: ".length()));
            if (line.startsWith("fix: ")) documented.add(line.substring("fix: ".length()));
        }
        List<String> printed = new ArrayList<>();
        for (RefusalText.Line line : RefusalText.Line.values()) printed.add(line.template);
        for (RefusalText.Fix fix : RefusalText.Fix.values()) printed.add(fix.template);
        assertEquals(printed, documented, "the README's lines (\"jthreadtrace: LINE\", then \"fix: FIX\"), in the code's order");
    }

    @Test
    void theManPageHasAContainersParagraph() throws IOException {
        String man = Files.readString(Path.of("man/jthreadtrace.1"));
        assertTrue(man.contains(".SH CONTAINERS\n"), "man page section CONTAINERS");
        for (String flag : List.of("\\-\\-cap\\-add SYS_PTRACE", "seccomp=unconfined", "SYS_PTRACE", "shareProcessNamespace")) {
            assertTrue(man.contains(flag), "the man page names " + flag);
        }
    }
}
