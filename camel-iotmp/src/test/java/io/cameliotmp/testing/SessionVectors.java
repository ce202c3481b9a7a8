package io.cameliotmp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The full session of the vectors file (§5), read from the copy in the test resources. */
public final class SessionVectors {

    /** One step: its number, direction (C→S or S→C) and bytes as uppercase hex with spaces. */
    public record Step(int number, boolean fromDevice, String hex) {
    }

    private static final Pattern ROW = Pattern.compile("^\\| (\\d+) [^|]*\\| (C→S|S→C) \\| `([0-9A-F ]+)` \\|");

    private SessionVectors() {
    }

    public static List<Step> fullSession() {
        List<Step> steps = new ArrayList<>();
        boolean inSection = false;
        for (String line : read().split("\n")) {
            if (line.startsWith("## ")) {
                inSection = line.startsWith("## 5. Full session");
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (inSection && m.find()) {
                steps.add(new Step(Integer.parseInt(m.group(1)), m.group(2).equals("C→S"), m.group(3).trim()));
            }
        }
        if (steps.size() != 19) {
            throw new IllegalStateException("expected the 19 steps of the full session, found " + steps.size());
        }
        return steps;
    }

    private static String read() {
        try (InputStream in = SessionVectors.class.getResourceAsStream("/iotmp-vectors.md")) {
            if (in == null) {
                throw new IllegalStateException("iotmp-vectors.md missing from the test resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
