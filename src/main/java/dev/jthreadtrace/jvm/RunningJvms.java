package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;
import dev.jthreadtrace.event.JavaRecord;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code attach}'s control of the JVMs that were running before the trace: loads the agent into
 * each (Attach API), holds the socket each loaded agent ties itself to ({@code AttachWatch} in the
 * agent: closing our side, or our death, stops it), and stops them at the detach. Every method is
 * called with the {@link JvmAgent}'s lock held, except the blocking attach itself.
 */
final class RunningJvms implements AutoCloseable {
    /** The threads a JVM starts to answer the tool: its Attach Listener, and the agent's tie to the tool. */
    static final Set<String> TOOL_THREAD_NAMES = Set.of("Attach Listener", "jthreadtrace-ag");

    private ServerSocketChannel attachSocket;
    private final Map<Integer, SocketChannel> loadedInto = new LinkedHashMap<>();
    /** A directory and socket of ours inside the /tmp of a JVM of another mount namespace. */
    private record Inside(TargetDirectory directory, ServerSocketChannel socket) {}

    private final Map<Integer, Inside> inTargets = new LinkedHashMap<>();
    /** Threads running in the JVMs attached to, from their thread dumps. */
    private final List<JavaRecord> existing = new ArrayList<>();
    /** The running JVMs the tool connected to: each started an Attach Listener for it. */
    private final List<Integer> connectedTo = new ArrayList<>();
    /** The running JVMs the tool tried to attach to: each had its note already, if it failed. */
    private final Set<Integer> tried = new HashSet<>();

    /** What loadAgent is given: the jar and the agent's argument, as the JVM names them. */
    record Prepared(String jar, String arguments) {}

    /**
     * The agent's jar and argument for a running JVM, listening for it first and with its jar
     * written; null (and a note) when either cannot be. A JVM that cannot see the run's directory
     * (another mount namespace) gets one of its own in its /tmp ({@link TargetDirectory}).
     */
    Prepared prepare(int pid, AgentDirectory directory, List<String> notes) {
        if (directory.reachableFrom(pid) == null && Files.isDirectory(Path.of("/proc", Integer.toString(pid)))) {
            return prepareInside(pid, directory, notes);
        }
        try {
            if (attachSocket == null) {
                attachSocket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                bindOwnerOnly(attachSocket, socketPath(directory));
                attachSocket.configureBlocking(false);
            }
        } catch (IOException | RuntimeException e) {
            notes.add("no agent for JVM " + pid + " (cannot listen on " + socketPath(directory) + ": " + e.getMessage()
                    + "): names of the threads it had, kernel view of the new ones");
            return null;
        }
        try {
            return new Prepared(directory.attachJar().toString(), AgentOptions.attachArgument(directory.path().toString()));
        } catch (IOException | RuntimeException e) {
            notes.add("no agent for JVM " + pid + " (cannot write its jar into " + directory.path() + ": " + e.getMessage()
                    + "): names of the threads it had, kernel view of the new ones");
            return null;
        }
    }

    /** A JVM of another mount namespace: a directory and a socket of ours in its own /tmp. */
    private Prepared prepareInside(int pid, AgentDirectory directory, List<String> notes) {
        TargetDirectory inside = null;
        ServerSocketChannel socket = null;
        try {
            inside = directory.forTarget(pid);
            socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            socket.bind(UnixDomainSocketAddress.of(inside.socket()));
            socket.configureBlocking(false);
            inside.socketBound();
            inTargets.put(pid, new Inside(inside, socket));
            return new Prepared(inside.targetPath() + "/" + AgentOptions.ATTACH_JAR, AgentOptions.attachArgument(inside.targetPath()));
        } catch (IOException | RuntimeException e) {
            close(socket);
            if (inside != null) inside.close();
            notes.add("no agent for JVM " + pid + " (it runs in another mount namespace, and a directory of ours in its /tmp"
                    + " could not be made: " + e.getMessage() + "): names of the threads it had, kernel view of the new ones");
            return null;
        }
    }

    /** The record directories made inside JVMs' own /tmp, as the tool reaches them. */
    List<Path> insideDirectories() {
        return inTargets.values().stream().map(i -> i.directory().hostPath()).toList();
    }

    /** What attaching to {@code pid} gave: its threads, its notes, and the agent's connection when it loaded. */
    void attached(int pid, JvmAttach.Result result, List<String> notes) {
        existing.addAll(result.existing());
        notes.addAll(result.notes());
        tried.add(pid);
        if (result.connected()) connectedTo.add(pid);
        if (result.agentLoaded()) {
            // The agent connected during loadAgent (its agentmain has returned): take the connection.
            Inside inside = inTargets.get(pid);
            SocketChannel channel = acceptWithin(inside != null ? inside.socket() : attachSocket, 2_000);
            if (channel != null) loadedInto.put(pid, channel);
            else notes.add("the agent in JVM " + pid + " did not connect back: it stopped at once");
        }
    }

    /**
     * After an attach's detach: the agent in each JVM it was loaded into stops and restores the
     * JVM's own classes. JVMs that exited meanwhile need nothing.
     */
    void stopAgents(List<String> notes) {
        loadedInto.forEach((pid, channel) -> {
            if (!stopped(channel) && Files.exists(Path.of("/proc", Integer.toString(pid)))) {
                notes.add("the agent in JVM " + pid + " did not confirm it stopped within 5 s: its last records may be missing");
            }
        });
        loadedInto.clear();
    }

    List<JavaRecord> existing() {
        return existing;
    }

    List<Integer> connectedTo() {
        return connectedTo;
    }

    Set<Integer> tried() {
        return tried;
    }

    /**
     * Binds {@code socket} at {@code path} in the run's own directory, owner-only (rwx------) from
     * the moment that name exists: bind(2) makes the file 0777 less the umask (0755), so it is
     * bound under a name of its own, narrowed, and renamed into place, where the agent connects.
     * By name: only the tool's user can write into that 0700 directory. (The directory the tool
     * makes in another mount namespace's /tmp belongs to the JVM's user, who could put a link
     * where the socket was between the bind and a chmod by name: that socket keeps its 0755,
     * which lets only its owner connect, as connecting needs write permission.)
     */
    static void bindOwnerOnly(ServerSocketChannel socket, Path path) throws IOException {
        Path bound = path.resolveSibling(path.getFileName() + ".new");
        socket.bind(UnixDomainSocketAddress.of(bound));
        try {
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rwx------"));
            Files.move(bound, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(bound);
            throw e;
        }
    }

    private static Path socketPath(AgentDirectory directory) {
        return directory.path().resolve(AgentDirectory.ATTACH_SOCKET);
    }

    private static SocketChannel acceptWithin(ServerSocketChannel listening, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        try {
            while (System.nanoTime() < deadline) {
                SocketChannel channel = listening.accept();
                if (channel != null) return channel;
                Thread.sleep(5);
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Shuts our side (the agent stops, restores the JVM's classes) and waits up to 5 s for its "stopped". */
    private static boolean stopped(SocketChannel channel) {
        try (channel) {
            channel.shutdownOutput();
            channel.configureBlocking(false);
            ByteBuffer buffer = ByteBuffer.allocate(64);
            long deadline = System.nanoTime() + 5_000_000_000L;
            StringBuilder answer = new StringBuilder();
            while (System.nanoTime() < deadline) {
                int n = channel.read(buffer);
                if (n < 0) break;
                if (n == 0) {
                    Thread.sleep(5);
                    continue;
                }
                answer.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
                buffer.clear();
            }
            return answer.toString().startsWith("stopped");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Closing the channels (if {@link #stopAgents} did not) stops the agents too; the directories
     * made in other JVMs' /tmp are removed, so nothing of ours stays there.
     */
    @Override
    public void close() {
        loadedInto.values().forEach(RunningJvms::close);
        close(attachSocket);
        for (Inside inside : inTargets.values()) {
            close(inside.socket());
            inside.directory().close();
        }
        inTargets.clear();
    }

    private static void close(java.nio.channels.Channel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            // closed is closed
        }
    }
}
