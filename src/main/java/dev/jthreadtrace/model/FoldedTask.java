package dev.jthreadtrace.model;

/**
 * A task as it folded: its record and its futex and mmap figures, taken before the stores forgot it.
 * The JSONL writes its {@code thread} record from these at the event that folded it
 * ({@link FoldedTasks#foldedByLastEvent}): the record is final then, and gone after.
 */
public record FoldedTask(ThreadInfo task, FutexCounters futex, MmapCounters mmap) {}
