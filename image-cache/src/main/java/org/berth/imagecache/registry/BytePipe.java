package org.berth.imagecache.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Bytes from a writer thread to the HTTP client's reading thread, in chunks, holding at most a few
 * megabytes: a blob is streamed, never held whole. Either side can fail the pipe, which wakes the
 * other.
 */
final class BytePipe {
  private static final int CHUNK = 256 * 1024;
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(8);
  private volatile Throwable failure;
  private volatile boolean readerGone;
  private boolean inputTaken;

  /** The reading side; the HTTP client asks for it once per request. */
  synchronized InputStream input() {
    if (inputTaken) {
      throw new IllegalStateException("a streamed blob cannot be sent twice");
    }
    inputTaken = true;
    return new Input();
  }

  OutputStream output() {
    return new Output();
  }

  /** The writer failed: the reader sees an error instead of the end. */
  void fail(Throwable e) {
    failure = e;
    chunks.clear();
    chunks.offer(END);
  }

  /** The request ended (sent, or failed): a writer still writing gets an error. */
  void stopReading(Throwable e) {
    if (e != null && failure == null) {
      failure = e;
    }
    readerGone = true;
    chunks.clear();
  }

  private final class Output extends OutputStream {
    private byte[] buffer = new byte[CHUNK];
    private int used;
    private boolean closed;

    @Override
    public void write(int b) throws IOException {
      if (used == buffer.length) {
        flushChunk();
      }
      buffer[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (used == buffer.length) {
          flushChunk();
        }
        int n = Math.min(len, buffer.length - used);
        System.arraycopy(b, off, buffer, used, n);
        used += n;
        off += n;
        len -= n;
      }
    }

    private void flushChunk() throws IOException {
      if (used == 0) {
        return;
      }
      byte[] chunk = used == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, used);
      put(chunk);
      buffer = new byte[CHUNK];
      used = 0;
    }

    private void put(byte[] chunk) throws IOException {
      try {
        while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
          if (readerGone) {
            throw new IOException("the upload stopped: " + failure, failure);
          }
        }
        if (readerGone) {
          throw new IOException("the upload stopped: " + failure, failure);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while uploading");
      }
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        flushChunk();
        put(END);
      }
    }
  }

  private final class Input extends InputStream {
    private byte[] current = new byte[0];
    private int pos;
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (pos == current.length) {
        if (ended) {
          return -1;
        }
        byte[] next;
        try {
          next = chunks.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while uploading");
        }
        if (next == END) {
          if (failure != null) {
            throw new IOException("the blob could not be written: " + failure, failure);
          }
          ended = true;
          return -1;
        }
        current = next;
        pos = 0;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
