package org.berth.builder.source;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.BasePackFetchConnection;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackTransport;
import org.eclipse.jgit.transport.PushConnection;
import org.eclipse.jgit.transport.TcpTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportProtocol;
import org.eclipse.jgit.transport.URIish;

/**
 * Fetching over {@code git://} (the git daemon protocol, v0), in place of JGit's own transport for
 * that scheme. Two differences:
 *
 * <ul>
 *   <li>The socket sends at once (TCP_NODELAY). JGit's socket does not, and a fetch that names
 *       shallow commits and {@code have}s, as every fetch into a mirror does, then waits on the
 *       server's delayed acknowledgement: about 40 ms per fetch, most of a notebook-only build's
 *       fetch.
 *   <li>It connects to an address that the source rules checked at that moment ({@link
 *       #resolveWith}), not to the answer of a second DNS lookup, which could differ.
 * </ul>
 *
 * Installed for the whole JVM by {@link #install()}; without {@link #resolveWith} it resolves names
 * as JGit would.
 */
final class GitDaemonTransport extends TcpTransport implements PackTransport {
  private static final int DEFAULT_PORT = 9418;

  /** How a host name becomes the addresses to try, in order. */
  interface Resolver {
    InetAddress[] resolve(String host) throws IOException;
  }

  private static final TransportProtocol PROTOCOL =
      new TransportProtocol() {
        @Override
        public String getName() {
          return "git daemon (Berth)";
        }

        @Override
        public Set<String> getSchemes() {
          return Set.of("git");
        }

        @Override
        public Set<URIishField> getRequiredFields() {
          return EnumSet.of(URIishField.HOST, URIishField.PATH);
        }

        @Override
        public Set<URIishField> getOptionalFields() {
          return EnumSet.of(URIishField.PORT);
        }

        @Override
        public int getDefaultPort() {
          return DEFAULT_PORT;
        }

        @Override
        public Transport open(URIish uri, Repository local, String remoteName) {
          return new GitDaemonTransport(local, uri);
        }

        @Override
        public Transport open(URIish uri) {
          return new GitDaemonTransport(uri);
        }
      };

  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private Resolver resolver = InetAddress::getAllByName;

  private GitDaemonTransport(Repository local, URIish uri) {
    super(local, uri);
  }

  private GitDaemonTransport(URIish uri) {
    super(uri);
  }

  /** Makes JGit use this transport for {@code git://} URLs in this JVM (once). */
  static void install() {
    if (INSTALLED.compareAndSet(false, true)) {
      // JGit keeps a weak reference; the static field keeps the protocol alive.
      Transport.register(PROTOCOL);
    }
  }

  /** Connects only to addresses {@code resolver} gives (it may refuse by throwing). */
  void resolveWith(Resolver resolver) {
    this.resolver = resolver;
  }

  @Override
  public FetchConnection openFetch() throws TransportException {
    return new Connection();
  }

  @Override
  public PushConnection openPush() throws NotSupportedException {
    throw new NotSupportedException("Berth does not push over git://");
  }

  @Override
  public void close() {
    // each connection closes its own socket
  }

  private Socket connect() throws TransportException {
    int port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT;
    int timeoutMillis = getTimeout() > 0 ? getTimeout() * 1000 : 0;
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(uri.getHost());
    } catch (IOException e) {
      throw new TransportException(uri, "cannot resolve " + uri.getHost() + ": " + e, e);
    }
    IOException last = null;
    for (InetAddress address : addresses) {
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(address, port), timeoutMillis);
        return socket;
      } catch (IOException e) {
        last = e;
        try {
          socket.close();
        } catch (IOException ignored) {
          // nothing was sent
        }
      }
    }
    throw new TransportException(
        uri, last == null ? "no address for " + uri.getHost() : last.getMessage(), last);
  }

  private final class Connection extends BasePackFetchConnection {
    private final Socket socket;

    Connection() throws TransportException {
      super(GitDaemonTransport.this);
      socket = connect();
      try {
        init(
            new BufferedInputStream(socket.getInputStream()),
            new BufferedOutputStream(socket.getOutputStream()));
        StringBuilder request =
            new StringBuilder("git-upload-pack ")
                .append(uri.getPath())
                .append('\0')
                .append("host=")
                .append(uri.getHost());
        if (uri.getPort() > 0 && uri.getPort() != DEFAULT_PORT) {
          request.append(':').append(uri.getPort());
        }
        pckOut.writeString(request.append('\0').toString());
        pckOut.flush();
      } catch (IOException e) {
        close();
        throw new TransportException(uri, "the git server hung up: " + e.getMessage(), e);
      }
      readAdvertisedRefs();
    }

    @Override
    public void close() {
      super.close();
      try {
        socket.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
  }
}
