package dev.jthreadtrace.session;

import dev.jthreadtrace.sys.FileBytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Whether an ELF64 file is a Go program, by what the Go linker always puts in it: a note of owner
 * {@code Go} and type 4 (the Go build ID, in a PT_NOTE segment, which stripping keeps), or a section
 * named {@code .go.buildinfo} (every Go 1.13+ binary). Reads only headers, notes and the section
 * names, a few KiB through positional reads; anything malformed or unreadable is "not Go". Its
 * runtime starts OS threads as the scheduler sees fit, so diff does not compare how many.
 */
final class GoBinary {
    private static final int PT_NOTE = 4, NT_GO_BUILD_ID = 4, MAX_PHNUM = 256, MAX_SHNUM = 4096, MAX_NOTES = 64 * 1024,
            MAX_NAMES = 256 * 1024;
    private static final byte[] GO = "Go\0\0".getBytes(StandardCharsets.ISO_8859_1);
    private static final String BUILDINFO = ".go.buildinfo";

    private GoBinary() {}

    /** Whether {@code file} (e.g. {@code /proc/PID/exe}) is a Go program; false when it cannot be read. */
    static boolean is(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = FileBytes.at(channel, 0, 64);
            if (header == null || header.limit() < 64 || header.getInt(0) != 0x464c457f || header.get(4) != 2 || header.get(5) != 1) {
                return false;
            }
            return hasBuildIdNote(channel, header) || hasBuildInfoSection(channel, header);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean hasBuildIdNote(FileChannel channel, ByteBuffer header) throws IOException {
        long phoff = header.getLong(0x20);
        int phentsize = Short.toUnsignedInt(header.getShort(0x36)), phnum = Short.toUnsignedInt(header.getShort(0x38));
        if (phentsize < 56 || phnum > MAX_PHNUM) return false;
        ByteBuffer headers = FileBytes.at(channel, phoff, phentsize * phnum);
        for (int i = 0; headers != null && (i + 1) * phentsize <= headers.limit(); i++) {
            int at = i * phentsize;
            if (headers.getInt(at) != PT_NOTE) continue;
            long size = headers.getLong(at + 32);
            ByteBuffer notes = size > 0 && size <= MAX_NOTES ? FileBytes.at(channel, headers.getLong(at + 8), (int) size) : null;
            if (notes != null && goNote(notes)) return true;
        }
        return false;
    }

    /** Each note: namesz, descsz, type, then the name and the description, each padded to 4 bytes. */
    private static boolean goNote(ByteBuffer notes) {
        for (int at = 0; at + 12 <= notes.limit(); ) {
            int namesz = notes.getInt(at), descsz = notes.getInt(at + 4), type = notes.getInt(at + 8);
            if (namesz < 0 || descsz < 0 || namesz > MAX_NOTES || descsz > MAX_NOTES) return false;
            if (namesz == 3 && type == NT_GO_BUILD_ID && at + 16 <= notes.limit()) {
                byte[] name = new byte[4];
                notes.get(at + 12, name);
                if (Arrays.equals(name, GO)) return true;
            }
            at += 12 + align4(namesz) + align4(descsz);
        }
        return false;
    }

    private static boolean hasBuildInfoSection(FileChannel channel, ByteBuffer header) throws IOException {
        long shoff = header.getLong(0x28);
        int shentsize = Short.toUnsignedInt(header.getShort(0x3a)), shnum = Short.toUnsignedInt(header.getShort(0x3c)),
                shstrndx = Short.toUnsignedInt(header.getShort(0x3e));
        if (shoff <= 0 || shentsize < 64 || shnum > MAX_SHNUM || shstrndx >= shnum) return false;
        ByteBuffer sections = FileBytes.at(channel, shoff, shentsize * shnum);
        if (sections == null || sections.limit() < shentsize * shnum) return false;
        long namesOffset = sections.getLong(shstrndx * shentsize + 0x18), namesSize = sections.getLong(shstrndx * shentsize + 0x20);
        ByteBuffer names = namesSize > 0 && namesSize <= MAX_NAMES ? FileBytes.at(channel, namesOffset, (int) namesSize) : null;
        if (names == null) return false;
        for (int i = 0; i < shnum; i++) {
            int name = sections.getInt(i * shentsize);
            if (name >= 0 && BUILDINFO.equals(string(names, name))) return true;
        }
        return false;
    }

    private static String string(ByteBuffer table, int at) {
        StringBuilder s = new StringBuilder();
        for (int i = at; i < table.limit() && table.get(i) != 0 && s.length() <= BUILDINFO.length(); i++) s.append((char) (table.get(i) & 0xff));
        return s.toString();
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }
}
