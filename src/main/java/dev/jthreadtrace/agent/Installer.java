package dev.jthreadtrace.agent;

import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

import static java.lang.constant.ConstantDescs.CD_MethodHandles;
import static java.lang.constant.ConstantDescs.CD_MethodHandles_Lookup;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * Retransforms {@code java.lang.Thread} with the JDK's {@code java.lang.classfile} API:
 * <ul>
 *   <li>at every return of the two constructors that do the work (platform threads:
 *       {@code Thread(ThreadGroup, String, int, Runnable, long)}; virtual threads:
 *       {@code Thread(String, int, boolean)}), after the inherited thread-locals were copied:
 *       {@code ThreadHook.constructed(this, this.inheritableThreadLocals, MethodHandles.lookup())};</li>
 *   <li>at the entry of {@code start()} and {@code start(ThreadContainer)}: {@code ThreadHook.starting(this, ...)};</li>
 *   <li>at the entry of {@code VirtualThread.mount()}: {@code ThreadHook.mounted(this)}, which tells
 *       which carrier (OS thread) ran which virtual thread;</li>
 *   <li>at the entry of {@code VirtualThread.start(ThreadContainer)}: {@code ThreadHook.virtualStarting(this)},
 *       the context class loader a virtual thread runs with;</li>
 *   <li>at the entry of {@code dispatchUncaughtException(Throwable)}: {@code UncaughtHook.uncaught(this, e)}, a
 *       thread (main too) ending by an exception;</li>
 *   <li>at the entry of {@code checkAccess()} (a no-op): {@code ThreadHook.javaBase(MethodHandles.lookup())},
 *       the Lookup the installer uses, while it asks, to take its jar off the class path ({@link JavaBaseHandOver}).</li>
 * </ul>
 * The hooks that read the JDK's private fields are handed Thread's (or Shutdown's) own Lookup with
 * each call and keep none: the agent's classes are open to a program's reflection ({@link JdkFields}).
 * Every other constructor delegates to one of those two, so each thread is recorded once.
 */
public final class Installer {
    static final ClassDesc THREAD = ClassDesc.of("java.lang.Thread");
    static final ClassDesc HOOK = ClassDesc.of("dev.jthreadtrace.agent.ThreadHook");
    private static final ClassDesc UNCAUGHT_HOOK = ClassDesc.of("dev.jthreadtrace.agent.UncaughtHook");
    static final ClassDesc MAP = ClassDesc.of("java.lang.ThreadLocal$ThreadLocalMap");
    static final ClassDesc LOADER = ClassDesc.of("java.lang.ClassLoader");
    private static final Set<String> CORE_CONSTRUCTORS = Set.of(
            "(Ljava/lang/ThreadGroup;Ljava/lang/String;ILjava/lang/Runnable;J)V", "(Ljava/lang/String;IZ)V");

    /** {@code start()}, and {@code start(ThreadContainer)} that executors use instead: neither calls the other. */
    private static final Set<String> START_METHODS = Set.of("()V", "(Ljdk/internal/vm/ThreadContainer;)V");

    /**
     * Installed: a second {@code -javaagent} of ours in the same JVM (a relaunch that passed it on
     * as well) does nothing. Agents start one after another; a detach ({@link #stop}) clears it, so
     * a later attach installs again.
     */
    private static volatile boolean installed;

    private Installer() {}

    /**
     * @param args the run's directory, where records are written and the options are read
     *             ({@link AgentOptions}); {@code DIR,+attached} when loaded by {@code jthreadtrace attach}
     */
    public static void install(String args, Instrumentation instrumentation) throws Exception {
        // The hooks in Thread call ThreadHook through the boot loader: from anywhere else they would fail in every thread.
        if (Installer.class.getClassLoader() != null) return;
        String directory = AgentOptions.directoryOf(args);
        boolean attached = AgentOptions.attached(args);
        if (directory.isEmpty()) return;
        // Before the program can define a class of its own under an agent class's name (OwnClasses).
        String notLoaded = OwnClasses.load();
        // Then no class is read from the boot directory any more: out of the program's resource lookups.
        if (notLoaded.isEmpty()) BootEntry.leave(args);
        if (installed) {
            // A second agent of ours: the first has the hooks.
            leaveClassPath(AgentOptions.jarDirectory(args));
            return;
        }
        AgentOptions options = AgentOptions.read(Path.of(directory));
        CreationStacks.configure(options.stackDepth(), options.jdkFrames(), options.virtualStacks());
        // Loaded into a running JVM by jthreadtrace attach: held by the tool's socket, and stopped when it closes.
        Thread watch = attached ? AttachWatch.connect(directory, instrumentation) : null;
        if (attached && watch == null) return;
        if (!ThreadHook.open(directory, AgentOptions.hostPid(args))) return;
        if (!notLoaded.isEmpty()) ThreadHook.failed("own classes", new NoClassDefFoundError(notLoaded));
        boolean flushesAtExit = rewrite(directory, instrumentation, attached);
        leaveClassPath(AgentOptions.jarDirectory(args));
        ThreadHook.enable();
        // From now on a redefinition of Thread without the hooks is said when it happens.
        try {
            instrumentation.addTransformer(HooksWatch.INSTANCE, true);
        } catch (RuntimeException e) {
            ThreadHook.failed("hooks watch", e); // the exit's probe is left
        }
        installed = true;
        // Started once the hooks are on, as any thread: its start() record gives the tool's own thread
        // its starter and creation site like the others (JFR and the thread dump list it too); the
        // tool marks it as its own.
        if (watch != null) watch.start();
        ThreadHook.present();
        // Virtual threads' records may wait in a buffer only when the JVM's exit writes it out.
        if (flushesAtExit) RecordWriter.bufferUntilExit();
    }

    /**
     * Takes the agent's jar off the application class path through the Lookup the rewritten Thread
     * hands over ({@link JavaBaseHandOver}); without one (a JDK whose Thread lacks {@code checkAccess()})
     * the jar stays, and the agent's error line says why: the hooks do not need it.
     */
    private static void leaveClassPath(String directory) {
        String failed = JavaBaseHandOver.run(JavaBaseHandOver.Purpose.LEAVE_CLASS_PATH, directory);
        if (failed != null) ThreadHook.failed("class path", new IllegalStateException(failed));
    }

    /**
     * Rewrites {@link #REWRITTEN}: redefined with the classes the tool prepared when they were made
     * from this JVM's own (no ClassFile API, no class file reconstituted), else retransformed by
     * the agent itself. True when {@code Shutdown} was rewritten (its hook writes the buffer out at exit).
     * Loaded by {@code attach} ({@code attached}), it keeps the JVM's own class files to give back at
     * the detach; a launched JVM keeps nothing (its heap stays as the program's).
     */
    private static boolean rewrite(String directory, Instrumentation instrumentation, boolean attached) throws Exception {
        Class<?>[] classes = rewrittenClasses();
        PreparedClasses.Found prepared = PreparedClasses.lookup(directory, classes, REWRITTEN_IN_ORDER, attached);
        if (prepared != null) {
            // Registered for the redefinition: the JVM makes the module of a class an agent transforms read
            // the boot loader's unnamed module (the agent's), as the hooks in Thread need; a plain redefinition
            // does not, and Instrumentation.redefineModule spins the JDK's lambdas in every JVM.
            ClassFileTransformer asPrepared = new ClassFileTransformer() {
                @Override
                public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                                        ProtectionDomain domain, byte[] bytes) {
                    return redefined != null && loader == null && REWRITTEN.contains(name) ? bytes : null;
                }
            };
            instrumentation.addTransformer(asPrepared, false);
            try {
                instrumentation.redefineClasses(prepared.prepared());
                if (attached) originals = prepared.originals();
                return true;
            } catch (Exception | LinkageError e) {
                // Refused as a whole (nothing changed): the agent transforms the classes itself.
            } finally {
                instrumentation.removeTransformer(asPrepared);
            }
        }
        boolean[] flushesAtExit = {false};
        ClassFileTransformer transformer = new ClassFileTransformer() {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                                    ProtectionDomain domain, byte[] bytes) {
                if (!REWRITTEN.contains(name)) return null;
                try {
                    byte[] result = Installer.transform(name, bytes);
                    if (name.equals("java/lang/Shutdown")) flushesAtExit[0] = true;
                    return result;
                } catch (Throwable t) {
                    ThreadHook.failed("transform", t);
                    return null;
                }
            }
        };
        instrumentation.addTransformer(transformer, true);
        try {
            instrumentation.retransformClasses(classes);
        } finally {
            instrumentation.removeTransformer(transformer);
        }
        return flushesAtExit[0];
    }

    /**
     * One of {@link #REWRITTEN}, transformed; the tool calls it too, to prepare a run's classes
     * ({@link PreparedClasses}).
     */
    public static byte[] transform(String internalName, byte[] original) {
        return switch (internalName) {
            case "java/lang/Thread" -> instrumentThread(original);
            case "java/lang/VirtualThread" -> instrumentVirtualThread(original);
            case "java/lang/Shutdown" -> instrumentShutdown(original);
            default -> throw new IllegalArgumentException(internalName);
        };
    }

    /**
     * {@code jthreadtrace attach} detached (or died): the agent writes the threads only the JVM's
     * thread dump names (a compiler or GC thread the load added while attached), then stops writing
     * and gives the JVM back its own Thread, VirtualThread and Shutdown (redefined with its own class
     * files when the prepared ones replaced them; else a retransformation with no transformer of ours
     * yields the original class files). The JVM runs on as before the attach.
     */
    static void stop(Instrumentation instrumentation) throws Exception {
        String failed = JavaBaseHandOver.run(JavaBaseHandOver.Purpose.VM_THREADS, null);
        if (failed != null) ThreadHook.failed("vmThreads", new IllegalStateException(failed));
        ThreadHook.disable();
        // Thread given back its own class file is no loss of the hooks.
        instrumentation.removeTransformer(HooksWatch.INSTANCE);
        ClassDefinition[] own = originals;
        if (own != null) instrumentation.redefineClasses(own);
        else instrumentation.retransformClasses(rewrittenClasses());
        originals = null;
        installed = false;
    }

    /**
     * The JVM's own class files of the classes redefined with prepared ones (for {@link #stop} to
     * give them back: a retransformation would start from the redefined ones); kept only in a JVM the
     * agent was attached to, the only kind that stops; null when retransformed.
     */
    private static volatile ClassDefinition[] originals;

    /** The classes of {@link #REWRITTEN}, loaded (not initialised) now if the JVM has not yet: rewritten in one go. */
    private static Class<?>[] rewrittenClasses() throws ClassNotFoundException {
        return new Class<?>[] {Thread.class, Class.forName("java.lang.VirtualThread", false, null),
                Class.forName("java.lang.Shutdown", false, null)};
    }

    /** The classes rewritten, by internal name. */
    public static final Set<String> REWRITTEN = Set.of("java/lang/Thread", "java/lang/VirtualThread", "java/lang/Shutdown");
    /** {@link #REWRITTEN} in the order of {@link #rewrittenClasses}. */
    private static final String[] REWRITTEN_IN_ORDER = {"java/lang/Thread", "java/lang/VirtualThread", "java/lang/Shutdown"};

    /**
     * {@code Shutdown.runHooks()}: {@code ThreadHook.shuttingDown()} at its start (the moment the JVM
     * begins to shut down, whether System.exit was called or main returned and the last non-daemon
     * thread ended) and {@code ThreadHook.flush(MethodHandles.lookup())} before it returns, after the application's
     * shutdown hooks (whose threads are recorded too; the JVM's own threads are named there, so the
     * hooks run when they would untraced), in the thread that exits: no thread of ours,
     * and no reflection into the JDK's internals to register a hook.
     */
    static byte[] instrumentShutdown(byte[] bytes) {
        CodeTransform atStartAndBeforeReturn = new CodeTransform() {
            @Override
            public void atStart(CodeBuilder b) {
                b.invokestatic(HOOK, "shuttingDown", MethodTypeDesc.of(CD_void));
            }

            @Override
            public void accept(CodeBuilder b, CodeElement e) {
                if (e instanceof ReturnInstruction) {
                    lookupHere(b);
                    b.invokestatic(HOOK, "flush", MethodTypeDesc.of(CD_void, CD_MethodHandles_Lookup));
                }
                b.with(e);
            }
        };
        return transformOneMethod(bytes, "runHooks", "()V", atStartAndBeforeReturn);
    }

    /**
     * {@code VirtualThread.mount()}: {@code ThreadHook.mounted(this)}, run on the carrier that takes
     * it; and {@code VirtualThread.start(ThreadContainer)}, which {@code start()} calls too (a virtual
     * thread never runs Thread's own start): {@code ThreadHook.virtualStarting(this)}, which reads the
     * context class loader it runs with, settable between construction and start.
     */
    static byte[] instrumentVirtualThread(byte[] bytes) {
        return transformMethods(bytes, Map.of("mount()V", callAtEntry("mounted"),
                "start(Ljdk/internal/vm/ThreadContainer;)V", callAtEntry("virtualStarting")));
    }

    /** The class with one method's code transformed, everything else as it was. */
    private static byte[] transformOneMethod(byte[] bytes, String name, String descriptor, CodeTransform code) {
        return transformMethods(bytes, Map.of(name + descriptor, code));
    }

    /** The class with the code of the methods named by {@code name + descriptor} transformed, everything else as it was. */
    private static byte[] transformMethods(byte[] bytes, Map<String, CodeTransform> byMethod) {
        ClassFile cf = ClassFile.of();
        ClassTransform transform = (ClassBuilder cb, ClassElement ce) -> {
            CodeTransform code = ce instanceof MethodModel m ? byMethod.get(m.methodName().stringValue() + m.methodType().stringValue()) : null;
            if (code != null) cb.transformMethod((MethodModel) ce, MethodTransform.transformingCode(code));
            else cb.with(ce);
        };
        return cf.transformClass(cf.parse(bytes), transform);
    }

    /** A code transform that calls {@code ThreadHook.<hook>(this)} before the method's first instruction. */
    private static CodeTransform callAtEntry(String hook) {
        return new CodeTransform() {
            @Override
            public void atStart(CodeBuilder b) {
                b.aload(0);
                b.invokestatic(HOOK, hook, MethodTypeDesc.of(CD_void, THREAD));
            }

            @Override
            public void accept(CodeBuilder b, CodeElement e) {
                b.with(e);
            }
        };
    }

    /**
     * For {@code Thread.checkAccess()}, a no-op since JDK 24 that the JDK never calls:
     * {@code ThreadHook.javaBase(MethodHandles.lookup())} first, a Lookup of Thread that the agent
     * uses while it asks ({@link JavaBaseHandOver}) instead of opening java.base's packages to itself.
     */
    private static CodeTransform handOverLookup() {
        return new CodeTransform() {
            @Override
            public void atStart(CodeBuilder b) {
                lookupHere(b);
                b.invokestatic(HOOK, "javaBase", MethodTypeDesc.of(CD_void, CD_MethodHandles_Lookup));
            }

            @Override
            public void accept(CodeBuilder b, CodeElement e) {
                b.with(e);
            }
        };
    }

    /**
     * {@code MethodHandles.lookup()}: a full-privilege Lookup of the rewritten java.base class, passed
     * to the hook that reads the JDK's private fields with it and keeps none ({@link JdkFields}).
     */
    private static void lookupHere(CodeBuilder b) {
        b.invokestatic(CD_MethodHandles, "lookup", MethodTypeDesc.of(CD_MethodHandles_Lookup));
    }

    /**
     * For {@code dispatchUncaughtException(Throwable)}, which HotSpot calls on a thread that ends by an
     * exception (main's too, before DestroyJavaVM): {@code UncaughtHook.uncaught(this, e)} first.
     */
    private static CodeTransform uncaughtAtEntry() {
        return new CodeTransform() {
            @Override
            public void atStart(CodeBuilder b) {
                b.aload(0);
                b.aload(1);
                b.invokestatic(UNCAUGHT_HOOK, "uncaught", MethodTypeDesc.of(CD_void, THREAD, ClassDesc.of("java.lang.Throwable")));
            }

            @Override
            public void accept(CodeBuilder b, CodeElement e) {
                b.with(e);
            }
        };
    }

    /** {@code ThreadHook.<hook>(this, this.inheritableThreadLocals, this.contextClassLoader, MethodHandles.lookup())}. */
    private static void callWithMapAndLoader(CodeBuilder b, String hook) {
        b.aload(0);
        b.aload(0);
        b.getfield(THREAD, "inheritableThreadLocals", MAP);
        b.aload(0);
        b.getfield(THREAD, "contextClassLoader", LOADER);
        lookupHere(b);
        b.invokestatic(HOOK, hook, MethodTypeDesc.of(CD_void, THREAD, CD_Object, LOADER, CD_MethodHandles_Lookup));
    }

    static byte[] instrumentThread(byte[] bytes) {
        ClassFile cf = ClassFile.of();
        ClassModel model = cf.parse(bytes);
        CodeTransform afterConstruction = (CodeBuilder b, CodeElement e) -> {
            if (e instanceof ReturnInstruction) {
                b.aload(0);
                b.aload(0);
                b.getfield(THREAD, "inheritableThreadLocals", MAP);
                lookupHere(b);
                b.invokestatic(HOOK, "constructed", MethodTypeDesc.of(CD_void, THREAD, CD_Object, CD_MethodHandles_Lookup));
            }
            b.with(e);
        };
        // start(): ThreadHook.starting(this, this.inheritableThreadLocals, this.contextClassLoader), Thread's
        // own fields read by the bytecode: no reflection (which would spin up method handles), and no call
        // of getContextClassLoader(), which a Thread subclass may override.
        CodeTransform beforeStart = new CodeTransform() {
            @Override
            public void atStart(CodeBuilder b) {
                callWithMapAndLoader(b, "starting");
            }

            @Override
            public void accept(CodeBuilder b, CodeElement e) {
                b.with(e);
            }
        };
        CodeTransform afterRename = (CodeBuilder b, CodeElement e) -> {
            if (e instanceof ReturnInstruction) {
                b.aload(0);
                b.invokestatic(HOOK, "renamed", MethodTypeDesc.of(CD_void, THREAD));
            }
            b.with(e);
        };
        // inheritScopedValueBindings(container), at start(): a fork of a StructuredTaskScope takes its
        // owner's scoped-value bindings there; ThreadHook.scopedValuesInherited(this, this.scopedValueBindings).
        CodeTransform afterScopedValues = (CodeBuilder b, CodeElement e) -> {
            if (e instanceof ReturnInstruction) {
                b.aload(0);
                b.aload(0);
                b.getfield(THREAD, "scopedValueBindings", CD_Object);
                lookupHere(b);
                b.invokestatic(HOOK, "scopedValuesInherited", MethodTypeDesc.of(CD_void, THREAD, CD_Object, CD_MethodHandles_Lookup));
            }
            b.with(e);
        };
        // One class transform choosing per method (composing two transformingMethodBodies with
        // andThen left the class unchanged on JDK 25).
        ClassTransform transform = (ClassBuilder cb, ClassElement ce) -> {
            if (ce instanceof MethodModel m && m.methodName().equalsString("<init>")
                    && CORE_CONSTRUCTORS.contains(m.methodType().stringValue())) {
                cb.transformMethod(m, MethodTransform.transformingCode(afterConstruction));
            } else if (ce instanceof MethodModel m && m.methodName().equalsString("start")
                    && START_METHODS.contains(m.methodType().stringValue())) {
                cb.transformMethod(m, MethodTransform.transformingCode(beforeStart));
            } else if (ce instanceof MethodModel m && m.methodName().equalsString("setName")
                    && m.methodType().equalsString("(Ljava/lang/String;)V")) {
                cb.transformMethod(m, MethodTransform.transformingCode(afterRename));
            } else if (ce instanceof MethodModel m && m.methodName().equalsString("dispatchUncaughtException")
                    && m.methodType().equalsString("(Ljava/lang/Throwable;)V")) {
                cb.transformMethod(m, MethodTransform.transformingCode(uncaughtAtEntry()));
            } else if (ce instanceof MethodModel m && m.methodName().equalsString("checkAccess")
                    && m.methodType().equalsString("()V")) {
                cb.transformMethod(m, MethodTransform.transformingCode(handOverLookup()));
            } else if (ce instanceof MethodModel m && m.methodName().equalsString("inheritScopedValueBindings")
                    && m.methodType().equalsString("(Ljdk/internal/vm/ThreadContainer;)V")) {
                cb.transformMethod(m, MethodTransform.transformingCode(afterScopedValues));
            } else {
                cb.with(ce);
            }
        };
        return cf.transformClass(model, transform);
    }
}
