package dev.jthreadtrace.model;

import java.util.Map;

/**
 * The Java view of a thread ({@code constructorTid} 0 when the agent did not see its construction,
 * e.g. {@code main}), joined to a kernel task: full name, {@code Thread.threadId()}, the
 * OS thread that constructed it (the Java creator, whose inheritable thread-locals it copied) and
 * the one that called {@code start()} (whose clone made the task: the kernel creator).
 */
public record JavaThread(long id, String name, boolean virtual, int constructorTid, String constructorName,
                         Integer starterTid, Map<String, String> inherited, VirtualStarter virtualStarter,
                         java.util.List<String> formerNames) {
    public JavaThread {
        formerNames = formerNames == null ? java.util.List.of() : java.util.List.copyOf(formerNames);
    }

    public JavaThread(long id, String name, boolean virtual, int constructorTid, String constructorName,
                      Integer starterTid, Map<String, String> inherited, VirtualStarter virtualStarter) {
        this(id, name, virtual, constructorTid, constructorName, starterTid, inherited, virtualStarter, null);
    }

    /** The same thread under a new name (Thread.setName after start), the old one kept. */
    public JavaThread renamed(String newName) {
        if (newName.equals(name)) return this;
        java.util.List<String> former = new java.util.ArrayList<>(formerNames);
        former.add(name);
        return new JavaThread(id, newName, virtual, constructorTid, constructorName, starterTid, inherited, virtualStarter, former);
    }

    /**
     * The virtual thread that called {@code start()}, when one did: the OS thread whose clone made
     * the task ({@code starterTid}) is then only its carrier.
     */
    public record VirtualStarter(long id, String name) {}

    public JavaThread(long id, String name, boolean virtual, int constructorTid, String constructorName,
                      Integer starterTid, Map<String, String> inherited) {
        this(id, name, virtual, constructorTid, constructorName, starterTid, inherited, null);
    }

    /** The hook key of an inheritable thread-local: {@code itl:RequestContext}. */
    public static String hookKey(String threadLocalName) {
        return "itl:" + threadLocalName;
    }
}
