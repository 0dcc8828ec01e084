package dev.jthreadtrace.decode;

import java.util.ArrayList;
import java.util.List;

/** CPU affinity masks ({@code cpu_set_t}), printed as strace prints them: {@code [0 2 3]}. */
public final class CpuSet {
    private CpuSet() {}

    public static List<Integer> cpus(byte[] mask) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < mask.length * 8; i++) if ((mask[i / 8] & (1 << (i % 8))) != 0) out.add(i);
        return out;
    }

    public static String render(byte[] mask) {
        StringBuilder out = new StringBuilder("[");
        List<Integer> cpus = cpus(mask);
        for (int i = 0; i < cpus.size(); i++) {
            if (i > 0) out.append(' ');
            out.append(cpus.get(i));
        }
        return out.append(']').toString();
    }

    /**
     * A mask as /proc/PID/status shows it ({@code Cpus_allowed}: 32-bit hex groups, the highest first,
     * {@code ffffffff,00000003}) in {@code cpu_set_t}'s bytes; null when it is not such a text.
     */
    public static byte[] fromProcHex(String text) {
        if (text == null || text.isEmpty()) return null;
        String[] groups = text.strip().split(",");
        byte[] mask = new byte[groups.length * 4];
        for (int g = 0; g < groups.length; g++) {
            long word;
            try {
                word = Long.parseLong(groups[groups.length - 1 - g], 16);
            } catch (NumberFormatException e) {
                return null;
            }
            for (int b = 0; b < 4; b++) mask[g * 4 + b] = (byte) (word >>> (8 * b));
        }
        return mask;
    }

    /** {@code sched_setaffinity(0, 8, [0 2 3])} and its getter: the mask when it was captured, else the pointer. */
    public static String renderAffinityCall(long[] a, Captures captures, int stringMax) {
        return Args.intArg(a[0]) + ", " + Args.ulong(a[1]) + ", "
                + (captures.bytes(2) != null ? render(captures.bytes(2)) : Args.pointer(a[2]));
    }

    /** A compact list for reports and assertions: {@code 0}, {@code 0-3}, {@code 0,2-3}. */
    public static String compact(List<Integer> cpus) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < cpus.size(); ) {
            int j = i;
            while (j + 1 < cpus.size() && cpus.get(j + 1) == cpus.get(j) + 1) j++;
            if (!out.isEmpty()) out.append(',');
            out.append(cpus.get(i));
            if (j > i) out.append('-').append(cpus.get(j));
            i = j + 1;
        }
        return out.toString();
    }
}
