import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Build step (run by Maven at package time, with the JDK building the tool): rewrites the class
 * files of a dependency jar compiled for an old Java (Picocli is built for Java 5, class-file
 * version 49) to the running JDK's version, with stack maps generated. Why: the JDK's AOT cache
 * (JEP 483) archives only classes the split verifier can check, i.e. version 50 and later, so an
 * old jar is loaded, parsed and verified again at every start of the tool (~120 ms of CPU for
 * Picocli). The bytecode is unchanged; a class that cannot be rewritten (jsr/ret) stays as it was.
 *
 * <p>Usage: {@code java ClassFileUpgrade.java JAR...} (each jar is replaced in place).
 */
public final class ClassFileUpgrade {
    private ClassFileUpgrade() {}

    public static void main(String[] args) throws IOException {
        for (String arg : args) upgrade(Path.of(arg));
    }

    private static void upgrade(Path jar) throws IOException {
        int target = ClassFileVersion.of(ClassFile.latestMajorVersion(), 0).majorVersion();
        // Stack maps need the class hierarchy: the JDK's classes, and the jar's own read from the jar.
        java.net.URLClassLoader jarClasses = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, null);
        ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                        .orElse(ClassHierarchyResolver.ofResourceParsing(jarClasses))));
        Path out = jar.resolveSibling(jar.getFileName() + ".tmp");
        int rewritten = 0, kept = 0;
        try (JarFile in = new JarFile(jar.toFile(), false);
             JarOutputStream to = new JarOutputStream(Files.newOutputStream(out))) {
            for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream s = in.getInputStream(entry)) {
                    bytes = s.readAllBytes();
                }
                String name = entry.getName();
                // Signatures would no longer match the rewritten classes; Picocli's jar is not signed.
                if (name.startsWith("META-INF/") && (name.endsWith(".SF") || name.endsWith(".RSA") || name.endsWith(".DSA"))) continue;
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    byte[] upgraded = upgrade(classFile, bytes, target);
                    if (upgraded != bytes) rewritten++;
                    else kept++;
                    bytes = upgraded;
                }
                JarEntry copy = new JarEntry(name);
                copy.setTime(entry.getTime());
                to.putNextEntry(copy);
                to.write(bytes);
                to.closeEntry();
            }
        }
        jarClasses.close();
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("ClassFileUpgrade: " + jar.getFileName() + ": " + rewritten + " classes to version " + target
                + (kept > 0 ? ", " + kept + " kept" : ""));
    }

    /** The class at {@code target}, or the same array when it is new enough or cannot be rewritten. */
    private static byte[] upgrade(ClassFile classFile, byte[] bytes, int target) {
        ClassModel model = classFile.parse(bytes);
        if (model.majorVersion() >= 50) return bytes;
        try {
            // Every method body is rebuilt (not copied through), which is what makes the API generate its stack map.
            return classFile.transformClass(model, ClassTransform.dropping(e -> e instanceof ClassFileVersion)
                    .andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL))
                    .andThen(ClassTransform.endHandler(b -> b.withVersion(target, 0))));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return bytes;
        }
    }
}
