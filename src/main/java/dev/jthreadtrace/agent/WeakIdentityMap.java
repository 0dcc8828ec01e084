package dev.jthreadtrace.agent;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Values kept per object of the program's (a thread-local, a scoped value, a thread), its key held
 * weakly and told by identity: no method of a key ever runs. A {@code WeakHashMap} calls the key's
 * {@code hashCode()} and {@code equals()}, which a program's subclass of {@code InheritableThreadLocal}
 * or {@code Thread} may override: its code ran inside {@code new Thread(...)} (printed, threw, took a
 * lock the creator's caller held: a deadlock only the tool made). A key collected is dropped at the
 * next call. Not thread-safe: the caller guards it.
 */
final class WeakIdentityMap<V> {
    private final Map<Key, V> map = new HashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    V get(Object key) {
        expunge();
        return map.get(new Key(key, null));
    }

    void put(Object key, V value) {
        expunge();
        map.put(new Key(key, collected), value);
    }

    void remove(Object key) {
        expunge();
        map.remove(new Key(key, null));
    }

    /** The keys not collected yet. */
    List<Object> keys() {
        expunge();
        List<Object> keys = new ArrayList<>(map.size());
        for (Key k : map.keySet()) {
            Object o = k.get();
            if (o != null) keys.add(o);
        }
        return keys;
    }

    private void expunge() {
        for (Reference<?> r; (r = collected.poll()) != null; ) map.remove((Key) r);
    }

    /** A weak reference hashed by the referent's identity hash and equal to another only on the same referent. */
    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) return true;
            if (!(o instanceof Key other)) return false;
            Object referent = get();
            return referent != null && referent == other.get();
        }
    }
}
