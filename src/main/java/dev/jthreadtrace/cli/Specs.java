package dev.jthreadtrace.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds Picocli's command model in code: commands, options and parameters bound to plain fields
 * through lambdas. Picocli's annotation route builds the same model by reflection — annotation
 * proxies, a method handle per field, its converters looked up reflectively — which cost 120-150 ms
 * of every start of {@code run} even from the AOT cache, against ~30 ms for this (measured on the
 * same options). The help, the completion script and the parser are Picocli's, unchanged.
 */
final class Specs {
    static {
        // Picocli's DefaultFactory looks for Groovy's Closure class once (Class.forName: a search of
        // the class path and an exception, ~3% of run's start); the tool has no Groovy annotations.
        System.setProperty("picocli.disable.closures", "true");
    }

    private Specs() {}

    /** Reads and writes one field for Picocli (its interfaces have generic methods, so no lambda can be one). */
    static final class Binding<V> implements IGetter, ISetter {
        private final Supplier<V> get;
        private final Consumer<V> set;

        private Binding(Supplier<V> get, Consumer<V> set) {
            this.get = get;
            this.set = set;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) get.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            T old = get();
            set.accept((V) value);
            return old;
        }
    }

    static <V> Binding<V> bind(Supplier<V> get, Consumer<V> set) {
        return new Binding<>(get, set);
    }

    /** An option of {@code type} bound to a field; the caller adds the description and the rest. */
    static OptionSpec.Builder option(Class<?> type, Binding<?> field, String... names) {
        // The field's value now is its initial value, which Picocli sets back before each parse.
        OptionSpec.Builder option = OptionSpec.builder(names).type(type).getter(field).setter(field).initialValue(field.get());
        // Picocli's own Path converter goes through reflection (it supports Java 5).
        if (type == Path.class) option.converters(Path::of);
        return option;
    }

    /**
     * A converter to one of {@code byName}'s values, a wrong name worded as Picocli words it for an
     * enum, so every option with a fixed set of values answers alike.
     */
    static <T> CommandLine.ITypeConverter<T> choices(Map<String, T> byName) {
        return text -> {
            T value = byName.get(text);
            if (value == null) {
                throw new CommandLine.TypeConversionException("expected one of " + byName.keySet() + " (case-sensitive) but was '"
                        + text + "'");
            }
            return value;
        };
    }

    /** A switch: present or not. */
    static OptionSpec.Builder flag(Binding<Boolean> field, String... names) {
        return option(boolean.class, field, names).arity("0");
    }

    /** A switch that may be repeated, -t/-tt/-ttt: one {@code true} per occurrence. */
    static OptionSpec.Builder repeatableFlag(Binding<boolean[]> field, String... names) {
        return option(boolean[].class, field, names).arity("0");
    }

    /** A repeatable option with a value: every occurrence adds one to the list. */
    static OptionSpec.Builder list(Binding<List<String>> field, String... names) {
        return option(List.class, field, names).auxiliaryTypes(String.class);
    }

    /** Required positional parameters bound to a field (every command here needs its parameters). */
    static PositionalParamSpec.Builder parameters(Class<?> type, Binding<?> field) {
        PositionalParamSpec.Builder parameters = PositionalParamSpec.builder().type(type).getter(field).setter(field)
                .initialValue(field.get()).required(true);
        if (type == List.class) parameters.auxiliaryTypes(String.class);
        if (type == Path.class) parameters.converters(Path::of);
        return parameters;
    }

    /**
     * A command run by {@code command}, with {@code -h/--help} and {@code -V/--version} (the
     * options Picocli's {@code mixinStandardHelpOptions} adds: added here after the command's own,
     * where that mixin puts them). {@code sortOptions} false keeps the options in the order added.
     */
    static CommandSpec command(String name, Callable<Integer> command, boolean sortOptions, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name(name);
        spec.versionProvider(new VersionProvider());
        spec.usageMessage().autoWidth(true).sortOptions(sortOptions).description(description);
        return spec;
    }

    /** The widest an example line gets in help: it fits 80 columns. */
    static final int EXAMPLE_WIDTH = 78;

    /**
     * The examples as help prints them: one wider than {@link #EXAMPLE_WIDTH} is continued on the
     * next line with {@code \\}, broken only between words outside quotes, so each line can be
     * copied into a shell as it is.
     */
    static List<String> exampleLines(String... examples) {
        List<String> lines = new java.util.ArrayList<>();
        for (String example : examples) {
            String rest = example;
            String indent = "      ";
            while (rest.length() > EXAMPLE_WIDTH) {
                int cut = breakBefore(rest, EXAMPLE_WIDTH - 2);
                if (cut <= indent.length()) break;
                lines.add(rest.substring(0, cut) + " \\");
                rest = indent + rest.substring(cut + 1);
            }
            lines.add(rest);
        }
        return lines;
    }

    /** The last space outside quotes at or before {@code max} (-1 if none). */
    private static int breakBefore(String line, int max) {
        int found = -1;
        char quote = 0;
        for (int i = 0; i < line.length() && i <= max; i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && i > 0 && line.charAt(i - 1) == ' ') {
                break; // a comment is cut before, never inside
            } else if (c == ' ' && i > 0 && line.charAt(i - 1) != ' ') {
                found = i;
            }
        }
        return found;
    }

    /** Ends a command: the standard help options, the examples and the exit status list ("CODE:text" lines). */
    static CommandSpec finish(CommandSpec spec, String[] examples, String... exitCodes) {
        spec.addOption(flag(bind(() -> false, v -> { }), "-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(flag(bind(() -> false, v -> { }), "-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        UsageMessageSpec usage = spec.usageMessage();
        List<String> lines = exampleLines(examples);
        usage.footerHeading("%nExamples:%n").footer(lines.toArray(String[]::new));
        // Verbatim: Picocli would wrap a long example wherever the width falls, mid-command.
        Map<String, CommandLine.IHelpSectionRenderer> sections = new java.util.LinkedHashMap<>(usage.sectionMap());
        sections.put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> String.join(System.lineSeparator(), lines)
                + System.lineSeparator());
        usage.sectionMap(sections);
        if (exitCodes.length > 0) usage.exitCodeListHeading("%nExit status:%n").exitCodeList(UsageMessageSpec.keyValuesMap(exitCodes));
        return spec;
    }
}
