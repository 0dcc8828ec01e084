package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every option a JVM started by a JDK launcher runs with, gathered where HotSpot gathers them
 * ({@code Arguments::parse}): {@code JAVA_TOOL_OPTIONS}, the launcher's options
 * ({@link LauncherArguments}), {@code _JAVA_OPTIONS}, each container's {@code -XX:VMOptionsFile}
 * expanded in place, and the flags file of the last {@code -XX:Flags=} (its {@code Name=value} and
 * {@code +Name} lines), which is applied first; and what they mean for the agent: an AOT cache or
 * CDS archive the agent would make the JVM refuse, a system class loader of its own (to which no
 * agent jar can be appended: the JVM aborts), or a jthreadtrace agent already on the command line
 * (a JVM relaunching itself from {@code RuntimeMXBean.getInputArguments()}). What cannot be read,
 * or what HotSpot would refuse, makes the options unknown: then the agent stays out.
 */
final class JvmOptions {
    /** Options that name an archive to use or make; with {@code AOTMode=off} the AOT ones are not used. */
    private static final List<String> AOT_FILES = List.of("-XX:AOTCache=", "-XX:AOTCacheOutput=", "-XX:AOTConfiguration=");
    private static final List<String> CDS_FILES = List.of("-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=");
    /**
     * The class list a CDS archive is dumped from (the classic AppCDS recipe's first step): the JVM
     * writes every class it loads, so traced it would list the agent's classes and their JDK
     * dependencies, and the archive made from it would differ from the untraced one's.
     */
    private static final String CLASS_LIST = "-XX:DumpLoadedClassList=";
    static final String SYSTEM_LOADER = "-Djava.system.class.loader=";

    private final List<String> options;
    private final String unknown;

    private JvmOptions(List<String> options, String unknown) {
        this.options = options;
        this.unknown = unknown;
    }

    /**
     * @param java     the launcher is {@code java} (else one of the JDK's tools)
     * @param variable the process's environment
     * @param files    its files, as it sees them
     */
    static JvmOptions of(boolean java, List<String> argv, Function<String, String> variable, FileText files) {
        LauncherArguments.Result launcher = LauncherArguments.of(java, argv, variable.apply("JDK_JAVA_OPTIONS"), files);
        if (launcher.unknown() != null) return new JvmOptions(List.of(), launcher.unknown());
        try {
            List<String> tool = expand(variable(variable, "JAVA_TOOL_OPTIONS"), "JAVA_TOOL_OPTIONS", files);
            List<String> command = expand(launcher.options(), "the command line", files);
            List<String> underscore = expand(variable(variable, "_JAVA_OPTIONS"), "_JAVA_OPTIONS", files);
            List<String> all = new ArrayList<>();
            String flagsFile = null;
            for (List<String> container : List.of(tool, command, underscore)) {
                for (String option : container) if (option.startsWith("-XX:Flags=")) flagsFile = option.substring("-XX:Flags=".length());
            }
            if (flagsFile != null) {
                String text = files.read(flagsFile);
                if (text == null) throw new LauncherArguments.Refused("its flags file -XX:Flags=" + flagsFile + " cannot be read" + FileText.UNREADABLE);
                for (String flag : settings(text)) all.add("-XX:" + flag);
            }
            all.addAll(tool);
            all.addAll(command);
            all.addAll(underscore);
            return new JvmOptions(all, null);
        } catch (LauncherArguments.Refused e) {
            return new JvmOptions(List.of(), e.getMessage());
        }
    }

    private static List<String> variable(Function<String, String> variable, String name) throws LauncherArguments.Refused {
        String value = variable.apply(name);
        return value == null ? List.of() : LauncherArguments.splitQuoted(value, name);
    }

    /** A container with its one {@code -XX:VMOptionsFile} replaced by the file's options (HotSpot refuses two, or one in the file). */
    private static List<String> expand(List<String> container, String where, FileText files) throws LauncherArguments.Refused {
        List<String> out = new ArrayList<>();
        boolean expanded = false;
        for (String option : container) {
            if (!option.startsWith("-XX:VMOptionsFile=")) {
                out.add(option);
                continue;
            }
            if (expanded) throw new LauncherArguments.Refused(where + " names two -XX:VMOptionsFile, which the JVM refuses");
            expanded = true;
            String file = option.substring("-XX:VMOptionsFile=".length());
            String text = files.read(file);
            if (text == null) throw new LauncherArguments.Refused("its options file " + option + " cannot be read" + FileText.UNREADABLE);
            List<String> inFile = LauncherArguments.splitQuoted(text, file);
            for (String o : inFile) {
                if (o.startsWith("-XX:VMOptionsFile=")) throw new LauncherArguments.Refused(file + " names an options file, which the JVM refuses");
            }
            out.addAll(inFile);
        }
        return out;
    }

    /**
     * A flags file's settings as HotSpot reads them ({@code process_settings_file}): white space
     * separates, a newline always ends a setting, quotes group, {@code #} at a setting's start
     * comments to the end of the line; reading stops at a setting of 1023 characters.
     */
    static List<String> settings(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        boolean inWhiteSpace = true, inComment = false, inQuote = false;
        char quote = 0;
        for (int i = 0; i < text.length() && token.length() < 1023; i++) {
            char c = text.charAt(i);
            if (inWhiteSpace) {
                if (inComment) {
                    if (c == '\n') inComment = false;
                } else if (c == '#') {
                    inComment = true;
                } else if (!LauncherArguments.isSpace(c)) {
                    inWhiteSpace = false;
                    token.append(c);
                }
            } else if (c == '\n' || (!inQuote && LauncherArguments.isSpace(c))) {
                out.add(token.toString());
                token.setLength(0);
                inWhiteSpace = true;
                inQuote = false;
            } else if (!inQuote && (c == '\'' || c == '"')) {
                inQuote = true;
                quote = c;
            } else if (inQuote && c == quote) {
                inQuote = false;
            } else {
                token.append(c);
            }
        }
        if (!token.isEmpty()) out.add(token.toString());
        return out;
    }

    /** Null, or why the options cannot be told (then nothing else here is meaningful). */
    String unknown() {
        return unknown;
    }

    List<String> options() {
        return options;
    }

    /** Whether {@code option} is among them, exactly (our agent's, when the JVM relaunched itself). */
    boolean has(String option) {
        return options.contains(option);
    }

    /**
     * The agent option of the run's directory {@code reachable} it has (for whichever pid: a JVM
     * relaunched with its input arguments), or null.
     */
    String jthreadtraceAgentIn(String reachable) {
        String plain = JvmAgent.agentOption(reachable), argument = "=" + AgentOptions.launchArgument(reachable) + ",";
        String own = "-javaagent:" + reachable + "/" + AgentOptions.OWN_DIRECTORY;
        return options.stream().filter(o -> o.equals(plain) || o.startsWith(plain + ",")
                || o.startsWith(own) && o.contains("/" + AgentDirectory.JAR + argument)).findFirst().orElse(null);
    }

    /** A jthreadtrace agent's option (one whose jar has our jar's name), or null. */
    String jthreadtraceAgent() {
        for (String option : options) {
            if (!option.startsWith("-javaagent:")) continue;
            int eq = option.indexOf('=');
            String jar = eq < 0 ? option : option.substring(0, eq);
            if (jar.endsWith("/" + AgentDirectory.JAR)) return option;
        }
        return null;
    }

    /** The system class loader it names ({@code -Djava.system.class.loader=}), or null. */
    String systemClassLoader() {
        String last = null;
        for (String option : options) if (option.startsWith(SYSTEM_LOADER)) last = option;
        return last;
    }

    /**
     * The option by which it uses or makes an AOT cache or CDS archive, or null: options later in
     * HotSpot's order win ({@code -XX:AOTMode=off} after {@code =on}); {@code -Xshare:off} turns all
     * archives off, {@code -XX:AOTMode=off} the AOT cache; {@code -Xshare:dump} makes one. A class
     * list ({@code -XX:DumpLoadedClassList}) is written whatever {@code -Xshare} says (the recipe
     * runs it with {@code -Xshare:off}).
     */
    String archive() {
        String share = null, mode = null, aotFile = null, cdsFile = null, autoCreate = null, classList = null;
        for (String option : options) {
            if (option.startsWith("-Xshare:")) share = option;
            else if (option.startsWith(CLASS_LIST)) classList = option.endsWith("=") ? classList : option;
            else if (option.startsWith("-XX:AOTMode=")) mode = option;
            else if (option.equals("-XX:+AutoCreateSharedArchive")) autoCreate = option;
            else if (option.equals("-XX:-AutoCreateSharedArchive")) autoCreate = null;
            else if (startsWithAny(option, AOT_FILES)) aotFile = option.endsWith("=") ? aotFile : option;
            else if (startsWithAny(option, CDS_FILES)) cdsFile = option.endsWith("=") ? cdsFile : option;
        }
        if (classList != null) return classList;
        if ("-Xshare:off".equals(share)) return null;
        if ("-Xshare:dump".equals(share)) return share;
        if (mode != null && !mode.equals("-XX:AOTMode=off") && !mode.equals("-XX:AOTMode=auto")) return mode;
        if (aotFile != null && !"-XX:AOTMode=off".equals(mode)) return aotFile;
        if (cdsFile != null) return cdsFile;
        return autoCreate;
    }

    private static boolean startsWithAny(String option, List<String> prefixes) {
        for (String prefix : prefixes) if (option.startsWith(prefix)) return true;
        return false;
    }
}
