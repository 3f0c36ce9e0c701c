package io.chorus.user.security;

import io.chorus.testing.ChorusTestResource;
import java.util.HashMap;
import java.util.Map;

/** Everything {@link ChorusTestResource} gives, but the token keys in the forms Helm makes them. */
public class HelmStyleKeysResource extends ChorusTestResource {

    static final HelmStyleKeys KEYS = HelmStyleKeys.generate();

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("smallrye.jwt.sign.key.location", KEYS.privateKey().toString());
        config.put("mp.jwt.verify.publickey.location", KEYS.certificate().toString());
        return config;
    }
}
