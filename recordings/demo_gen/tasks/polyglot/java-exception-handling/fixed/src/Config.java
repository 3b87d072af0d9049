import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one-line settings files. */
public class Config {
    /** The trimmed contents of {@code path}, or {@code fallback} when it cannot be read. */
    public static String load(String path, String fallback) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (IOException e) {
            return fallback;
        }
    }
}
