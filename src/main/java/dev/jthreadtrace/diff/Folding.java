package dev.jthreadtrace.diff;

import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.NameShape;

import java.util.regex.Pattern;

/**
 * What differs between two runs of the same program without anything having changed, taken out
 * before comparing: numbers in thread names (as the report's tree folds them), identity hashes
 * ({@code com.acme.Loader@1b6d3586}: the agent prints a loader that is not the JDK's by class and
 * hash) and addresses ({@code 0x7f3a...}). Other values are compared as they are: a priority of 5
 * and one of 8 must differ.
 */
final class Folding {
    /** An identity hash after a class name: 4 to 8 hex digits at the end (a loader named like that is folded too). */
    private static final Pattern HASH = Pattern.compile("@[0-9a-f]{4,8}$");
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]+");

    private Folding() {}

    static String name(String name) {
        return NameShape.of(name);
    }

    /** A setting's value as two runs can compare it. */
    static String value(String hook, String value) {
        if (hook.equals(Hook.NAME.key())) return NameShape.of(value);
        return ADDRESS.matcher(HASH.matcher(value).replaceAll("@…")).replaceAll("0x…");
    }
}
