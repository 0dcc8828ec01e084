package dev.jthreadtrace.agent;

/**
 * Every class of the agent's package, loaded by the boot loader (the agent's own) when the agent installs, before the
 * program's {@code main} (under {@code attach}, as the agent's first act). A name of this package that
 * the boot loader has not loaded yet is free: anyone with a Lookup in the package, which any program
 * can take ({@code privateLookupIn}: the package is in the boot loader's unnamed module, open to all),
 * can define a class of its own under it ({@code Lookup.defineClass}), and the agent's code would then
 * call that class as its own, with java.base's Lookup in hand (a {@code VmThreads} of the program's,
 * defined before the exit loaded the agent's, would be handed {@code Shutdown}'s). Loaded, not
 * initialised: the classes' own static initialisers still run at their first use.
 * {@code OwnClassesTest} checks that the list is every class compiled into the package.
 */
final class OwnClasses {
    private static final String PACKAGE = "dev.jthreadtrace.agent.";
    static final String[] NAMES = {"Agent", "AgentOptions", "AttachWatch", "BootEntry", "CreationStacks", "CreationStacks$Walker", "DumpHeaders",
        "DumpHeaders$Header", "HookState", "HooksWatch", "InheritedValues", "InheritedValues$PlainValues", "Installer", "Installer$1", "Installer$2",
        "Installer$3", "Installer$4", "Installer$5", "Installer$6", "Installer$7", "JavaBaseHandOver", "JavaBaseHandOver$Purpose",
        "JdkFields", "JdkFields$Classes", "JdkPools", "JdkThreads", "OwnClasses", "PreparedClasses", "PreparedClasses$Found",
        "RecordField", "RecordFile", "RecordFormat", "RecordWriter", "StartingCode", "SystemClassPath", "ThreadHook", "ThreadHook$1",
        "UncaughtHook", "VmThreads", "WeakIdentityMap", "WeakIdentityMap$Key"};

    private OwnClasses() {}

    /** Loads them all; the names it could not load (none but in a broken install). */
    static String load() {
        StringBuilder failed = new StringBuilder();
        for (String name : NAMES) {
            try {
                Class.forName(PACKAGE + name, false, OwnClasses.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                failed.append(failed.isEmpty() ? "" : " ").append(name);
            }
        }
        return failed.toString();
    }
}
