package dev.jthreadtrace.cli;

import picocli.CommandLine;

/** {@code --version}: the jar's Implementation-Version and the JDK running it. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {
                "jthreadtrace " + (version != null ? version : "(development build)"),
                // The property, not Runtime.version(): its toString builds the string with streams (~8 ms).
                "running on Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name")
                        + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }
}
