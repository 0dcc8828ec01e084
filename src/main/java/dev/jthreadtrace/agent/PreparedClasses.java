package dev.jthreadtrace.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;

/**
 * Classes the tool transformed for this run, in the run's directory, so a traced JVM need not
 * load the ClassFile API to transform them itself, nor have the JVM reconstitute their class files
 * for a retransformation (together most of the agent's start-up). For each class,
 * {@code classes/NAME.orig} holds the bytes the tool started from and {@code NAME.class} the result;
 * the agent redefines its JVM's class with the result only when the class in its own runtime image
 * is exactly those original bytes (another JDK build simply does its own transformation). Nothing
 * lasts beyond the run: a traced program that writes here changes only its own run, never what a
 * later run executes. The tool writes them ({@code jvm.AgentDirectory#storePrepared}); this side
 * only reads.
 */
public final class PreparedClasses {
    public static final String DIRECTORY = "classes";
    /** In {@link #DIRECTORY}, written after the classes: the runtime image the tool made them from ({@link #imageIdentity}). */
    public static final String IMAGE = "image";
    private static final int MAX_BYTES = 4 << 20;

    /** The prepared classes, and the JVM's own class files they replace (to give them back on a detach; null when not asked for). */
    record Found(ClassDefinition[] prepared, ClassDefinition[] originals) {}

    private PreparedClasses() {}

    /**
     * The prepared result for each of {@code classes} (named {@code internalNames}), when every one
     * was made from its class as this JVM's runtime image holds it; else null. When the tool made
     * them from this very image file ({@link #IMAGE}) and no originals are asked for (a launched
     * JVM keeps none), the image's class files are not read: 3-4 ms of a JVM's start.
     */
    static Found lookup(String directory, Class<?>[] classes, String[] internalNames, boolean originalsToo) {
        Path dir = Path.of(directory, DIRECTORY);
        if (!originalsToo && fromThisImage(dir)) {
            ClassDefinition[] prepared = new ClassDefinition[classes.length];
            for (int i = 0; i < classes.length; i++) {
                byte[] result = read(dir.resolve(internalNames[i].replace('/', '.') + ".class"));
                if (result == null) return null;
                prepared[i] = new ClassDefinition(classes[i], result);
            }
            return new Found(prepared, null);
        }
        return compared(dir, classes, internalNames);
    }

    /**
     * This runtime's image ({@code java.home/lib/modules}: its file key, size and modification
     * time), or null: the same file holds the same class files. The tool writes its own; the agent
     * compares its JVM's.
     */
    public static String imageIdentity() {
        try {
            BasicFileAttributes image = Files.readAttributes(Path.of(System.getProperty("java.home"), "lib", "modules"),
                    BasicFileAttributes.class);
            if (!image.isRegularFile() || image.fileKey() == null) return null;
            return image.fileKey() + " " + image.size() + " " + image.lastModifiedTime().toMillis();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether the tool made the classes from the image this JVM runs, unpatched ({@code --patch-module} replaces classes of it). */
    private static boolean fromThisImage(Path dir) {
        if (patched()) return false;
        byte[] made = read(dir.resolve(IMAGE));
        String own = imageIdentity();
        return made != null && own != null && own.equals(new String(made, StandardCharsets.UTF_8));
    }

    /**
     * Whether the JVM was started with {@code --patch-module}: its boot layer's {@code java.base}
     * is then read through a patcher, which its module reference names ({@code [module java.base,
     * location=jrt:/java.base (patched)]}). Asked before the classes are rewritten, so before the
     * agent has java.base's Lookup ({@link JdkFields}): the JDK's saved copy of the launcher's
     * properties ({@code jdk.module.patch.N}, removed from the system properties at boot) is not
     * readable yet. No java.base found: taken as patched (the classes are compared).
     */
    private static boolean patched() {
        Optional<ResolvedModule> base = ModuleLayer.boot().configuration().findModule("java.base");
        return base.isEmpty() || base.get().reference().toString().endsWith(" (patched)]");
    }

    /** {@link #lookup} by comparing each original the tool started from with this JVM's image's class file. */
    private static Found compared(Path dir, Class<?>[] classes, String[] internalNames) {
        ClassDefinition[] prepared = new ClassDefinition[classes.length], originals = new ClassDefinition[classes.length];
        Optional<ResolvedModule> base = ModuleLayer.boot().configuration().findModule("java.base");
        if (base.isEmpty()) return null;
        try (ModuleReader image = base.get().reference().open()) {
            for (int i = 0; i < classes.length; i++) {
                String name = internalNames[i].replace('/', '.');
                byte[] made = read(dir.resolve(name + ".orig"));
                if (made == null) return null;
                byte[] own = ownClassFile(image, internalNames[i]);
                if (own == null || !Arrays.equals(made, own)) return null;
                byte[] result = read(dir.resolve(name + ".class"));
                if (result == null) return null;
                prepared[i] = new ClassDefinition(classes[i], result);
                originals[i] = new ClassDefinition(classes[i], own);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return new Found(prepared, originals);
    }

    /**
     * The class file of a java.base class as this JVM's runtime image holds it: what the JVM
     * defined it from (a retransformation's bytes are the JVM's reconstitution of it, never equal).
     * Read through the module's reader, not {@code Module.getResourceAsStream}, whose method
     * reference would spin a lambda class in the JVM.
     */
    private static byte[] ownClassFile(ModuleReader image, String internalName) throws IOException {
        Optional<ByteBuffer> found = image.read(internalName + ".class");
        if (found.isEmpty()) return null;
        ByteBuffer buffer = found.get();
        try {
            if (buffer.remaining() > MAX_BYTES) return null;
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } finally {
            image.release(buffer);
        }
    }

    private static byte[] read(Path file) {
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            return bytes.length > MAX_BYTES ? null : bytes;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
