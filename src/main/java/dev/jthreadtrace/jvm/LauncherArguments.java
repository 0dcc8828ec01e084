package dev.jthreadtrace.jvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The options a JDK launcher passes to its JVM, found as the launcher ({@code libjli}: {@code
 * main.c}, {@code args.c}, {@code java.c}) finds them, so that an option is judged where the JVM
 * sees it and nowhere else. For {@code java}: {@code JDK_JAVA_OPTIONS} first (tokens split at white
 * space, quotes group, no main class allowed), then the arguments, each {@code @argfile} expanded
 * (its own grammar: quotes, escapes, comments, line continuations; {@code @@} escapes, {@code
 * --disable-@files} stops it) until the main class; then the launcher's own parse: VM options stop
 * at the main class, {@code -jar}'s file, {@code -m}/{@code --module}, a source file, and at
 * {@code -version}, {@code --help} and the like (what follows them never reaches the JVM). For
 * the JDK's tools ({@code javac}, {@code jshell}...): their {@code -J} arguments, wherever they
 * are, and nothing else (no argfiles, no {@code JDK_JAVA_OPTIONS}). An {@code @argfile} that
 * cannot be read, or a command line the launcher refuses, makes the options unknown.
 */
final class LauncherArguments {
    /** The launcher's options that take the next argument (its {@code IsWhiteSpaceOption}). */
    private static final Set<String> LAUNCHER_WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "--module", "-m",
            "--describe-module", "-d", "--source");
    private static final Set<String> MODULE_WITH_VALUE = Set.of("--module-path", "-p", "--upgrade-module-path", "--add-modules",
            "--enable-native-access", "--limit-modules", "--add-exports", "--add-opens", "--add-reads", "--patch-module");
    /** Options after which the launcher stops parsing (the JVM gets what came before) or starts no JVM at all. */
    private static final Set<String> STOP = Set.of("-help", "-h", "-?", "--help", "-version", "--version", "-X", "--help-extra");
    private static final Set<String> NO_JVM = Set.of("-fullversion", "--full-version");
    /** What {@code args.c} refuses in JDK_JAVA_OPTIONS and argfiles read from it ({@code isTerminalOpt}). */
    private static final Set<String> TERMINAL = Set.of("-jar", "-m", "--module", "--dry-run", "-h", "-?", "-help", "--help", "-X",
            "--help-extra", "-version", "--version", "-fullversion", "--full-version");

    /**
     * The options for the JVM in the order the launcher passes them, or why they cannot be known.
     *
     * @param options  the VM options, launcher-only ones ({@code -cp}, {@code -jar}...) left out
     * @param unknown  null, or why the options cannot be told (then {@code options} is empty)
     */
    record Result(List<String> options, String unknown) {
        static Result unknown(String why) {
            return new Result(List.of(), why);
        }
    }

    private final FileText files;
    // args.c's state
    private int firstAppArgIndex;
    private boolean expectingNoDashArg, stopExpansion;
    private int argsCount = 1;

    private LauncherArguments(FileText files, boolean java) {
        this.files = files;
        this.firstAppArgIndex = java ? -1 : 0;
    }

    /**
     * @param java           the launcher is {@code java} (else a tool: {@code -J} options only)
     * @param argv           the new program's argv, argv[0] included
     * @param jdkJavaOptions the {@code JDK_JAVA_OPTIONS} variable, or null
     */
    static Result of(boolean java, List<String> argv, String jdkJavaOptions, FileText files) {
        List<String> rest = argv.subList(Math.min(1, argv.size()), argv.size());
        if (!java) {
            List<String> vm = new ArrayList<>();
            for (String arg : rest) if (arg.startsWith("-J") && arg.length() > 2) vm.add(arg.substring(2));
            return vmOptions(vm);
        }
        try {
            LauncherArguments launcher = new LauncherArguments(files, true);
            List<String> args = new ArrayList<>();
            if (jdkJavaOptions != null) launcher.fromVariable(jdkJavaOptions, args);
            for (String arg : rest) {
                List<String> expanded = launcher.preprocess(arg);
                if (expanded == null) args.add(arg);
                else args.addAll(expanded);
            }
            return vmOptions(args);
        } catch (Refused e) {
            return Result.unknown(e.getMessage());
        }
    }

    /** What the launcher or the JVM refuses, or what cannot be read: no JVM starts, or we cannot tell what it gets. */
    static final class Refused extends Exception {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    /** {@code JLI_AddArgsFromEnvVar}: white space separates, quotes group (no escapes), no main class, no terminal option. */
    private void fromVariable(String value, List<String> args) throws Refused {
        for (String token : splitQuoted(value, "JDK_JAVA_OPTIONS")) {
            List<String> expanded = preprocess(token);
            for (String arg : expanded == null ? List.of(token) : expanded) {
                if (TERMINAL.contains(arg)) throw new Refused("JDK_JAVA_OPTIONS holds " + arg + ", which its launcher refuses there");
                args.add(arg);
            }
            if (firstAppArgIndex != -1) throw new Refused("JDK_JAVA_OPTIONS names a main class, which its launcher refuses");
        }
    }

    /** {@code JLI_PreprocessArg}: the argument as it is (null), or what its argfile holds. */
    private List<String> preprocess(String arg) throws Refused {
        if (firstAppArgIndex > 0) return null;
        if (stopExpansion || !arg.startsWith("@") || arg.equals("@")) {
            checkArg(arg);
            return null;
        }
        if (arg.startsWith("@@")) {
            checkArg(arg.substring(1));
            return List.of(arg.substring(1));
        }
        String text = files.read(arg.substring(1));
        if (text == null) throw new Refused("its argument file " + arg + " cannot be read" + FileText.UNREADABLE);
        List<String> tokens = argFileTokens(text);
        for (String token : tokens) checkArg(token);
        return tokens;
    }

    /** {@code checkArg}: where the application's arguments begin (no argfile is expanded from there on). */
    private void checkArg(String arg) {
        int index = 0;
        argsCount++;
        if (arg.startsWith("-")) {
            expectingNoDashArg = false;
            if (LAUNCHER_WITH_VALUE.contains(arg) || MODULE_WITH_VALUE.contains(arg)) {
                expectingNoDashArg = !(arg.equals("-jar") || arg.equals("--module") || arg.equals("-m"));
            } else if (arg.equals("--disable-@files")) {
                stopExpansion = true;
            } else if (arg.startsWith("--module=")) {
                index = argsCount;
            }
        } else {
            if (!expectingNoDashArg) index = argsCount;
            expectingNoDashArg = false;
        }
        if (firstAppArgIndex == -1 && index != 0) firstAppArgIndex = index;
    }

    /**
     * {@code ParseArguments}: the leading options are the launcher's and the JVM's; the first other
     * argument (main class, {@code -jar}'s file, a source file) and {@code -m}'s module end them.
     */
    private static Result vmOptions(List<String> args) {
        List<String> vm = new ArrayList<>();
        int i = 0;
        while (i < args.size() && args.get(i).startsWith("-")) {
            String arg = args.get(i++);
            boolean next = i < args.size() && !args.get(i).startsWith("-");
            String value = null;
            if (LAUNCHER_WITH_VALUE.contains(arg) || MODULE_WITH_VALUE.contains(arg)) {
                if (next) value = args.get(i++);
            } else if (arg.startsWith("--") && arg.indexOf('=') > 0) {
                value = arg.substring(arg.indexOf('=') + 1);
            }
            if (arg.equals("-m") || arg.equals("--module") || arg.startsWith("--module=")) {
                if (value == null || value.isEmpty()) return Result.unknown("its launcher refuses " + arg + " without a module");
                break;
            }
            if (NO_JVM.contains(arg)) return new Result(List.of(), null);
            if (STOP.contains(arg)) break;
            if (MODULE_WITH_VALUE.contains(arg)) {
                if (value == null) return Result.unknown("its launcher refuses " + arg + " without a value");
                vm.add(("-p".equals(arg) ? "--module-path" : arg) + "=" + value);
            } else if (!LAUNCHER_WITH_VALUE.contains(arg) && !arg.equals("-jar") && !LAUNCHER_ONLY.contains(arg)
                    && !arg.startsWith("--class-path=") && !arg.startsWith("--describe-module=") && !arg.startsWith("--source=")) {
                vm.add(arg);
            }
        }
        return new Result(vm, null);
    }

    /** The launcher's own options without a value: none reaches the JVM as it is. */
    private static final Set<String> LAUNCHER_ONLY = Set.of("--list-modules", "--show-resolved-modules", "--validate-modules",
            "-showversion", "--show-version", "--dry-run", "-Xdiag", "--show-module-resolution", "--disable-@files");

    /**
     * An argfile's arguments ({@code args.c}'s {@code nextToken}, whose quirks are kept: a {@code #}
     * outside quotes starts a comment to the end of the line and drops the token's text before it;
     * a backslash escapes only inside quotes; a quote left open ends at the line's end, and a
     * backslash at a line's end inside quotes joins the next line without its leading white space).
     */
    static List<String> argFileTokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder parts = new StringBuilder();
        boolean hasParts = false;
        int state = FIND_NEXT, anchor = 0, n = text.length();
        char quote = '"';
        for (int i = 0; i < n; i++) {
            char ch = text.charAt(i);
            if (state == FIND_NEXT || state == SKIP_LEAD_WS) {
                while (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f') {
                    if (++i >= n) return tokens;
                    ch = text.charAt(i);
                }
                state = state == FIND_NEXT ? IN_TOKEN : IN_QUOTE;
                anchor = i;
            } else if (state == IN_ESCAPE) {
                if (ch == '\n' || ch == '\r') {
                    state = SKIP_LEAD_WS;
                } else {
                    parts.append(escaped(ch));
                    hasParts = true;
                    state = IN_QUOTE;
                }
                anchor = i + 1;
                continue;
            } else if (state == IN_COMMENT) {
                while (ch != '\n' && ch != '\r') {
                    if (++i >= n) return tokens;
                    ch = text.charAt(i);
                }
                anchor = i + 1;
                state = FIND_NEXT;
                continue;
            }
            switch (ch) {
                case ' ', '\t', '\f', '\n', '\r' -> {
                    if (state == IN_QUOTE && ch != '\n' && ch != '\r') continue;
                    tokens.add(parts.append(text, anchor, i).toString());
                    parts.setLength(0);
                    hasParts = false;
                    state = FIND_NEXT;
                }
                case '#' -> {
                    if (state == IN_QUOTE) continue;
                    state = IN_COMMENT;
                    anchor = i + 1;
                }
                case '\\' -> {
                    if (state != IN_QUOTE) continue;
                    parts.append(text, anchor, i);
                    hasParts = true;
                    state = IN_ESCAPE;
                    anchor = i + 1;
                }
                case '\'', '"' -> {
                    if (state == IN_QUOTE && quote != ch) continue;
                    parts.append(text, anchor, i);
                    hasParts |= anchor != i;
                    anchor = i + 1;
                    if (state == IN_TOKEN) {
                        quote = ch;
                        state = IN_QUOTE;
                    } else {
                        state = IN_TOKEN;
                    }
                }
                default -> { }
            }
        }
        if (state == IN_TOKEN || state == IN_QUOTE) {
            if (anchor < n) {
                parts.append(text, anchor, n);
                hasParts = true;
            }
            if (hasParts) tokens.add(parts.toString());
        }
        return tokens;
    }

    /** The character a backslash inside quotes makes of {@code ch}. */
    private static char escaped(char ch) {
        return switch (ch) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'f' -> '\f';
            default -> ch;
        };
    }

    private static final int FIND_NEXT = 0, IN_COMMENT = 1, IN_QUOTE = 2, IN_ESCAPE = 3, SKIP_LEAD_WS = 4, IN_TOKEN = 5;

    /**
     * Tokens separated by white space ({@code isspace}), a single or double quote grouping up to
     * its match (no escapes): how the launcher splits {@code JDK_JAVA_OPTIONS} and HotSpot its
     * variables and options files. An unmatched quote is refused by both.
     */
    static List<String> splitQuoted(String text, String where) throws Refused {
        List<String> tokens = new ArrayList<>();
        int i = 0, n = text.length();
        while (i < n) {
            while (i < n && isSpace(text.charAt(i))) i++;
            if (i >= n) break;
            StringBuilder token = new StringBuilder();
            while (i < n && !isSpace(text.charAt(i))) {
                char c = text.charAt(i++);
                if (c == '\'' || c == '"') {
                    int end = text.indexOf(c, i);
                    if (end < 0) throw new Refused(where + " has an unmatched quote");
                    token.append(text, i, end);
                    i = end + 1;
                } else {
                    token.append(c);
                }
            }
            tokens.add(token.toString());
        }
        return tokens;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }
}
