package io.cameliotmp.benchmarks.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * How fast the CPU it runs on is, now: every {@code intervalMillis} it does the same fixed piece of work (integer
 * mixing over an array that fits the L1 cache, no allocation, no system call) and prints how much CPU time its
 * thread spent on it. Threads of other processes that take the CPU meanwhile do not count, as CPU time is the
 * thread's own; what does count is anything that makes the CPU itself slower for everyone, which on a virtual
 * machine is the host (another guest on the sibling hyperthread, the vCPU descheduled while the guest's clock
 * runs on). Run beside a benchmark on the server's CPU, at a duty cycle too low to disturb it, to tell a slow run
 * of the code from a run on a slow CPU.
 * <p>
 * Each probe also times a fixed number of system calls (one-byte reads of {@code /dev/zero} into a direct buffer):
 * on a virtual machine whose guest system calls go through the host, as on this project's benchmark machine, what
 * they cost is the host's, and a server lives on system calls (epoll, socket reads and writes, futexes).
 * <p>
 * {@code java -cp benchmarks.jar io.cameliotmp.benchmarks.load.SpeedProbe [intervalMillis] [rounds] [syscalls]},
 * one line per probe: {@code epochMillis computeCpuMicros computeWallMicros syscallCpuMicros}.
 */
public final class SpeedProbe {

    private static final int[] DATA = new int[2048];
    private static volatile int sink;

    private SpeedProbe() {
    }

    public static void main(String[] args) throws IOException {
        long intervalMillis = args.length > 0 ? Long.parseLong(args[0]) : 500;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int syscalls = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        FileChannel zero = FileChannel.open(Path.of("/dev/zero"), StandardOpenOption.READ);
        ByteBuffer oneByte = ByteBuffer.allocateDirect(1);
        for (int i = 0; i < DATA.length; i++) {
            DATA[i] = i * 0x9E3779B9;
        }
        // compiled before the first line is printed, so every line times the same machine code
        for (int i = 0; i < 200; i++) {
            sink += work(rounds);
            sink += reads(zero, oneByte, syscalls);
        }
        while (!Thread.currentThread().isInterrupted()) {
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            sink += work(rounds);
            long cpuNanos = threads.getCurrentThreadCpuTime() - cpu;
            long wallNanos = System.nanoTime() - wall;
            long beforeReads = threads.getCurrentThreadCpuTime();
            sink += reads(zero, oneByte, syscalls);
            long readNanos = threads.getCurrentThreadCpuTime() - beforeReads;
            System.out.println(Instant.now().toEpochMilli() + " " + cpuNanos / 1000 + " " + wallNanos / 1000 + " "
                               + readNanos / 1000);
            LockSupport.parkNanos(intervalMillis * 1_000_000L);
        }
    }

    /** {@code count} system calls, each a one-byte read. */
    private static int reads(FileChannel channel, ByteBuffer buffer, int count) throws IOException {
        int read = 0;
        for (int i = 0; i < count; i++) {
            buffer.clear();
            read += channel.read(buffer);
        }
        return read;
    }

    /** About 0.15 ms of arithmetic per 40 rounds on this machine; the result is kept so it is not removed. */
    private static int work(int rounds) {
        int h = 0x811C9DC5;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < DATA.length; i++) {
                h = (h ^ DATA[i]) * 0x01000193;
                h ^= h >>> 15;
            }
        }
        return h;
    }
}
