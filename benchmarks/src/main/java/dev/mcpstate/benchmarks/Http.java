package dev.mcpstate.benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on one keep-alive socket: the load generator's, cheap enough not to steal the
 * servers' CPU on a 2-core machine, with a read timeout on every read so no benchmark or drill loop can hang.
 * Bodies are read as they arrive ({@code Content-Length}, chunked, or until close), so SSE streams can be read
 * event by event and cut by {@link Response#close()}. Not thread-safe: one request at a time.
 */
final class Http implements Closeable {

    private final URI url;
    private final int readTimeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private Response open;

    /**
     * @param url         the endpoint, e.g. {@code http://127.0.0.1:8080/mcp}
     * @param readTimeout longest silence of the server while a response is read
     */
    Http(URI url, Duration readTimeout) {
        this.url = url;
        this.readTimeoutMillis = (int) readTimeout.toMillis();
    }

    URI url() {
        return url;
    }

    /**
     * Sends one request and returns once the status line and headers arrived; the body is read from the response.
     * Never retried here: a POST may not be idempotent.
     *
     * @throws IOException when the connection fails before the response head is complete
     */
    Response send(String method, Map<String, String> headers, byte[] body) throws IOException {
        if (open != null) {
            open.close();
        }
        connect();
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(url.getRawPath())
                .append(" HTTP/1.1\r\nHost: ").append(url.getAuthority()).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            String status = line();
            if (status == null) {
                throw new EOFException("connection closed before the response");
            }
            int code = Integer.parseInt(status.split(" ", 3)[1]);
            Map<String, String> fields = new HashMap<>();
            for (String l = line(); l != null && !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                fields.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
            Response response = new Response(code, fields);
            open = response;
            response.body = bodyStream(fields);
            if ("0".equals(fields.get("content-length"))) {
                response.finished();
            }
            return response;
        } catch (IOException | RuntimeException e) {
            disconnect();
            throw e;
        }
    }

    private InputStream bodyStream(Map<String, String> fields) {
        if ("chunked".equalsIgnoreCase(fields.get("transfer-encoding"))) {
            return new Chunked();
        }
        String length = fields.get("content-length");
        return new Bounded(length == null ? Long.MAX_VALUE : Long.parseLong(length));
    }

    private void connect() throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5_000);
            s.setSoTimeout(readTimeoutMillis);
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
            out = s.getOutputStream();
        }
    }

    private void disconnect() {
        open = null;
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return sb.length() == 0 ? null : sb.toString();
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        disconnect();
    }

    /** A response whose body is read as it arrives. Closing it before the end drops the connection (a cut). */
    final class Response implements Closeable {
        final int status;
        final Map<String, String> headers;
        InputStream body;
        private boolean done;

        Response(int status, Map<String, String> headers) {
            this.status = status;
            this.headers = headers;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            body.transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        }

        private void finished() {
            done = true;
            if (open == this) {
                open = null;
            }
            if ("close".equalsIgnoreCase(header("connection"))) {
                disconnect();
            }
        }

        /** Keeps the connection when the body was read to its end, else drops it. */
        @Override
        public void close() {
            if (!done && open == this) {
                disconnect();
            }
        }
    }

    /** A response body; subclasses read blocks. */
    private abstract static class Body extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    private final class Bounded extends Body {
        private long left;

        Bounded(long length) {
            left = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                left = 0;
                disconnect();
                return -1;
            }
            left -= n;
            if (left == 0 && open != null) {
                open.finished();
            }
            return n;
        }
    }

    private final class Chunked extends Body {
        private long left;
        private boolean end;
        private boolean afterChunk;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (end) {
                return -1;
            }
            if (left == 0) {
                if (afterChunk) {
                    line(); // the CRLF that ends the previous chunk: read only now, servers may send it late
                }
                String size = line();
                if (size == null) {
                    throw new EOFException("connection closed inside a chunked body");
                }
                left = Long.parseLong(size.split(";", 2)[0].trim(), 16);
                if (left == 0) {
                    for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                        // trailers are ignored
                    }
                    end = true;
                    if (open != null) {
                        open.finished();
                    }
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            left -= n;
            afterChunk = left == 0;
            return n;
        }
    }
}
