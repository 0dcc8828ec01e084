package dev.jthreadtrace.jvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * {@code attach}'s socket in the run's directory is owner-only (#33: bind made it 0755), under its
 * own name only once narrowed, and the agent connects to it there.
 */
class AttachSocketTest {
    @Test
    void theSocketIsOwnerOnlyUnderItsNameAndAcceptsConnections(@TempDir Path run) throws IOException {
        Path path = run.resolve(AgentDirectory.ATTACH_SOCKET);
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            RunningJvms.bindOwnerOnly(socket, path);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));
            try (var entries = Files.list(run)) {
                assertEquals(List.of(path), entries.toList());
            }
            try (SocketChannel agent = SocketChannel.open(UnixDomainSocketAddress.of(path)); SocketChannel accepted = socket.accept()) {
                assertNotNull(accepted);
            }
        }
    }
}
