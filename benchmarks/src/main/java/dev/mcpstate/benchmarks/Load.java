package dev.mcpstate.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Drives operations from one thread per session: closed loop for throughput, fixed rate for latency. */
final class Load {

    /** One operation of one session (e.g. one {@code tools/call}); each worker runs its own. */
    interface Op {
        void run() throws Exception;
    }

    private Load() {
    }

    /**
     * Every worker runs its op back to back for {@code duration}.
     *
     * @return completed operations per second
     * @throws IllegalStateException when more than 1 % of the operations failed
     */
    static double throughput(List<Op> workers, Duration duration) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (Op op : workers) {
            threads.add(started(() -> {
                await(go);
                long end = window[1];
                while (System.nanoTime() < end) {
                    try {
                        op.run();
                        done.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        window[0] = System.nanoTime();
        window[1] = window[0] + duration.toNanos();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - window[0]) / 1e9;
        check(done.get(), failed.get());
        return done.get() / seconds;
    }

    /**
     * Offers {@code perSecond} operations per second for {@code duration}, spread over the workers; a latency is
     * measured from the operation's scheduled start, so a stall also delays the operations queued behind it.
     *
     * @return the latencies in milliseconds
     */
    static double[] fixedRate(List<Op> workers, double perSecond, Duration duration) throws InterruptedException {
        long period = (long) (1e9 / perSecond);
        long total = (long) (duration.toNanos() / period);
        AtomicLong next = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        double[] latencies = new double[(int) total];
        CountDownLatch go = new CountDownLatch(1);
        long[] start = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (Op op : workers) {
            threads.add(started(() -> {
                await(go);
                for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    long due = start[0] + i * period;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    try {
                        op.run();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    latencies[(int) i] = (System.nanoTime() - due) / 1e6;
                }
            }));
        }
        start[0] = System.nanoTime() + 10_000_000L;
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        check(total, failed.get());
        return latencies;
    }

    private static void check(long done, long failed) {
        if (failed * 100 > done + failed) {
            throw new IllegalStateException(failed + " of " + (done + failed) + " operations failed");
        }
    }

    private static Thread started(Runnable body) {
        Thread t = new Thread(body, "load");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
