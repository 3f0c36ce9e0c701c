package io.chorus.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * What a {@code @QuarkusTest} of a Chorus service needs: its own throwaway database on the local
 * PostgreSQL, the test signing keys, and the shared secrets (internal credential, bus keys). The service's application.properties names a %test
 * JDBC URL, so Dev Services stay off; this resource replaces it with the fresh database at start.
 * Pass the service name as the init arg "service".
 */
public class ChorusTestResource implements QuarkusTestResourceLifecycleManager {

    private String service = "service";
    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        service = initArgs.getOrDefault("service", service);
    }

    @Override
    public Map<String, String> start() {
        database = LocalPostgres.createThrowawayDatabase(service);
        SigningKeys keys = SigningKeys.shared();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", LocalPostgres.jdbcUrl(database));
        config.put("quarkus.datasource.username", LocalPostgres.user());
        if (!LocalPostgres.password().isEmpty()) {
            config.put("quarkus.datasource.password", LocalPostgres.password());
        }
        config.put("mp.jwt.verify.publickey.location", keys.publicKeyFile().toString());
        config.put("smallrye.jwt.sign.key.location", keys.privateKeyFile().toString());
        config.putAll(ServiceSecrets.shared().properties());
        return config;
    }

    @Override
    public void stop() {
        if (database != null) {
            LocalPostgres.dropDatabase(database);
        }
    }
}
