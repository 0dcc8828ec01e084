package dev.jthreadtrace.jvm;

import dev.jthreadtrace.sys.FileBytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared libraries an ELF64 executable names ({@code DT_NEEDED}), read from its file: how a
 * JDK launcher is told from any other program that happens to sit in a {@code bin/} directory
 * (every JDK launcher needs {@code libjli.so}). Reads only the headers and the dynamic section, a
 * few KiB, through positional reads; anything malformed is "no dependencies".
 */
final class ElfDependencies {
    private static final int PT_LOAD = 1, PT_DYNAMIC = 2;
    private static final long DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5;
    private static final int MAX_PHNUM = 256, MAX_DYNAMIC = 64 * 1024, MAX_NAME = 256;

    private ElfDependencies() {}

    /** The DT_NEEDED names of {@code file} (e.g. {@code /proc/PID/exe}); empty when it is no ELF64 file we can read. */
    static List<String> of(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(channel);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static List<String> read(FileChannel channel) throws IOException {
        ByteBuffer header = FileBytes.at(channel, 0, 64);
        if (header == null || header.getInt(0) != 0x464c457f || header.get(4) != 2 || header.get(5) != 1) return List.of();
        long phoff = header.getLong(0x20);
        int phentsize = Short.toUnsignedInt(header.getShort(0x36)), phnum = Short.toUnsignedInt(header.getShort(0x38));
        if (phentsize < 56 || phnum > MAX_PHNUM) return List.of();
        ByteBuffer headers = FileBytes.at(channel, phoff, phentsize * phnum);
        if (headers == null) return List.of();
        long dynamicOffset = -1, dynamicSize = 0;
        List<long[]> loads = new ArrayList<>(); // {vaddr, offset, filesz}
        for (int i = 0; i < phnum; i++) {
            int at = i * phentsize;
            int type = headers.getInt(at);
            if (type == PT_DYNAMIC) {
                dynamicOffset = headers.getLong(at + 8);
                dynamicSize = headers.getLong(at + 32);
            } else if (type == PT_LOAD) {
                loads.add(new long[] {headers.getLong(at + 16), headers.getLong(at + 8), headers.getLong(at + 32)});
            }
        }
        if (dynamicOffset < 0 || dynamicSize <= 0 || dynamicSize > MAX_DYNAMIC) return List.of();
        ByteBuffer dynamic = FileBytes.at(channel, dynamicOffset, (int) dynamicSize);
        if (dynamic == null) return List.of();
        long strtab = -1;
        List<Long> needed = new ArrayList<>();
        for (int at = 0; at + 16 <= dynamicSize; at += 16) {
            long tag = dynamic.getLong(at), value = dynamic.getLong(at + 8);
            if (tag == DT_NULL) break;
            if (tag == DT_NEEDED) needed.add(value);
            if (tag == DT_STRTAB) strtab = fileOffset(loads, value);
        }
        if (strtab < 0) return List.of();
        List<String> names = new ArrayList<>();
        for (long offset : needed) {
            ByteBuffer name = FileBytes.at(channel, strtab + offset, MAX_NAME);
            if (name == null) name = ByteBuffer.allocate(0);
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < name.limit() && name.get(i) != 0; i++) s.append((char) (name.get(i) & 0xff));
            names.add(s.toString());
        }
        return names;
    }

    /** Where the byte loaded at {@code vaddr} sits in the file, or -1. */
    private static long fileOffset(List<long[]> loads, long vaddr) {
        for (long[] load : loads) {
            if (vaddr >= load[0] && vaddr < load[0] + load[2]) return vaddr - load[0] + load[1];
        }
        return -1;
    }
}
