package dev.jthreadtrace.arch;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages read as the pipeline (README, "How it works"): the graph of which package's classes
 * refer to which, read from the compiled classes' constant pools, has no cycle, and the pure
 * packages never reach the kernel.
 */
class PackageGraphTest {
    private static final String ROOT = "dev/jthreadtrace/";
    private static final Path CLASSES = Path.of("target/classes", ROOT);
    private static Map<String, Set<String>> graph;
    /** Per package, every class of ours its classes refer to (internal names). */
    private static Map<String, Set<String>> classesUsed;

    @BeforeAll
    static void readClasses() throws IOException {
        graph = new TreeMap<>();
        classesUsed = new TreeMap<>();
        assertTrue(Files.isDirectory(CLASSES), "compiled classes expected in " + CLASSES);
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                ClassModel model = ClassFile.of().parse(file);
                String from = packageOf(model.thisClass().asInternalName());
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                for (PoolEntry entry : model.constantPool()) {
                    if (entry instanceof ClassEntry c) {
                        String target = c.asInternalName().replaceFirst("^\\[+L?", "");
                        if (target.startsWith(ROOT)) {
                            to.add(packageOf(target));
                            classesUsed.computeIfAbsent(from, k -> new TreeSet<>()).add(target.replaceFirst("\\$.*", ""));
                        }
                    }
                }
                // Descriptors name classes too (a method taking a TraceModel), without a ClassEntry.
                for (var m : model.methods()) addDescriptorPackages(m.methodTypeSymbol().descriptorString(), to);
                for (var f : model.fields()) addDescriptorPackages(f.fieldTypeSymbol().descriptorString(), to);
                to.remove(from);
            }
        }
    }

    private static void addDescriptorPackages(String descriptor, Set<String> into) {
        var matcher = Pattern.compile("L(" + ROOT + "[^;]+);").matcher(descriptor);
        while (matcher.find()) into.add(packageOf(matcher.group(1)));
    }

    private static String packageOf(String internalName) {
        String rest = internalName.substring(ROOT.length());
        int slash = rest.lastIndexOf('/');
        return slash < 0 ? "(root)" : rest.substring(0, slash).replace('/', '.');
    }

    @Test
    void thePackageGraphHasNoCycle() {
        List<List<String>> cycles = new ArrayList<>();
        for (String start : graph.keySet()) findCycle(start, start, new ArrayList<>(List.of(start)), cycles);
        assertEquals(List.of(), cycles, "package cycles (each a path back to where it started); graph: " + graph);
    }

    private static void findCycle(String start, String at, List<String> path, List<List<String>> cycles) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                // Report each cycle once: from its alphabetically first package.
                if (path.stream().allMatch(p -> p.compareTo(start) >= 0)) {
                    List<String> cycle = new ArrayList<>(path);
                    cycle.add(start);
                    cycles.add(cycle);
                }
            } else if (!path.contains(next) && path.size() < graph.size()) {
                path.add(next);
                findCycle(start, next, path, cycles);
                path.removeLast();
            }
        }
    }

    @Test
    void thePurePackagesNeverReachTheKernel() {
        // sys.Errno is a table of names (strace's errnoent); the rest of sys and all of ptrace call the kernel.
        for (String pure : List.of("decode", "event", "model", "diff", "render", "check", "jsonl", "perfetto", "text")) {
            List<String> native_ = classesUsed.getOrDefault(pure, Set.of()).stream()
                    .filter(c -> c.startsWith(ROOT + "ptrace/") || c.startsWith(ROOT + "cli/")
                            || (c.startsWith(ROOT + "sys/") && !c.equals(ROOT + "sys/Errno")))
                    .toList();
            assertEquals(List.of(), native_, pure + " must stay pure: no ptrace, no native sys, no cli");
        }
    }

    @Test
    void theEngineKnowsOnlyTheEventVocabularyAndTheDecoders() {
        Set<String> uses = graph.getOrDefault("ptrace", Set.of());
        assertEquals(Set.of("decode", "event", "sys"), uses, "ptrace may use only decode, event and sys");
    }

    @Test
    void theModelDoesNotKnowItsConsumers() {
        Set<String> uses = graph.getOrDefault("model", Set.of());
        for (String consumer : List.of("render", "check", "jsonl", "perfetto", "session", "jvm", "cli")) {
            assertTrue(!uses.contains(consumer), "model uses " + consumer + ": " + uses);
        }
    }
}
