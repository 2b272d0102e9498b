package org.psikg.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * Starts a Neo4j Community server for psikg's tests and for {@code make neo4j}.
 *
 * <p>The server listens with Bolt on 127.0.0.1 (a free port unless {@code --port} is given), keeps
 * its data in a fresh temporary folder (or {@code --home}), and has one user, {@code neo4j}, with a
 * known password ({@code --password}, default {@value #DEFAULT_PASSWORD}). Once it answers it
 * prints one line, {@code NEO4J_URI=bolt://127.0.0.1:PORT}, and flushes. It stops cleanly, and
 * deletes the temporary folder, on SIGTERM or SIGINT or when its standard input closes: a test
 * runner that dies takes the server with it.
 */
public final class Neo4jLauncher {
    static final String DEFAULT_PASSWORD = "psikg-test-password";

    private Neo4jLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        String password = options.getOrDefault("--password", DEFAULT_PASSWORD);
        boolean temporary = !options.containsKey("--home");
        Path home = temporary ? Files.createTempDirectory("psikg-neo4j-") : Path.of(options.get("--home"));
        int port = options.containsKey("--port") ? Integer.parseInt(options.get("--port")) : freePort();

        long started = System.nanoTime();
        DatabaseManagementService service = start(home, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(service, home, temporary), "neo4j-stop"));
        setPassword(service, password);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.err.printf("Neo4j %s started in %.1f s, data in %s; user neo4j%n",
                neo4jVersion(), seconds, home);
        System.out.println("NEO4J_URI=bolt://127.0.0.1:" + port);
        System.out.flush();
        waitForEndOfInput(System.in);
        System.exit(0);  // runs the shutdown hook
    }

    /** {@code --name value} pairs; a clear message and exit code 2 for anything else. */
    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (!Map.of("--port", 1, "--password", 1, "--home", 1).containsKey(name) || i + 1 >= args.length) {
                System.err.println("usage: Neo4jLauncher [--port N] [--password P (8+ characters)] [--home DIR]");
                System.exit(2);
            }
            options.put(name, args[i + 1]);
        }
        return options;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Bolt only (no HTTP), a small page cache: a test server, not a production one. */
    private static DatabaseManagementService start(Path home, int port) {
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128));
        try {
            // Bolt waits for its connections and threads when stopping (about 10 s by default);
            // a test server has nobody to wait for. Internal settings: skipped where a release lacks them.
            builder.setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(100))
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(100));
        } catch (LinkageError missing) {
            System.err.println("Bolt shutdown settings not available in this release: stopping takes longer");
        }
        return builder.build();
    }

    /** The built-in user {@code neo4j} gets the known password, with no change required; a kept
     *  {@code --home} started again already has it, which Neo4j refuses to set a second time. */
    private static void setPassword(DatabaseManagementService service, String password) {
        try {
            service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (QueryExecutionException refused) {
            if (!String.valueOf(refused.getMessage()).contains("Old password and new password cannot be the same")) {
                throw refused;
            }
        }
    }

    private static String neo4jVersion() {
        String version = DatabaseManagementService.class.getPackage().getImplementationVersion();
        return version == null ? "(version unknown)" : version;
    }

    private static void waitForEndOfInput(InputStream input) {
        byte[] buffer = new byte[256];
        try {
            while (input.read(buffer) >= 0) {
                // Anything written is ignored; only the end of input matters.
            }
        } catch (IOException closed) {
            // A broken input is an end of input as well.
        }
    }

    private static void stop(DatabaseManagementService service, Path home, boolean temporary) {
        try {
            service.shutdown();
        } finally {
            if (temporary) {
                deleteTree(home);
            }
            System.err.println("Neo4j stopped" + (temporary ? ", data folder deleted" : ""));
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException error) {
            System.err.println("could not delete " + root + ": " + error);
        }
    }
}
