import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny test runner: prints PASS/FAIL per check, exits 1 on any failure. */
public class ConfigTest {
    static int failed = 0;

    static void check(String name, boolean ok) {
        System.out.println((ok ? "PASS " : "FAIL ") + name);
        if (!ok) failed++;
    }

    public static void main(String[] args) throws Exception {
        Path tmp = Files.createTempFile("app", ".conf");
        Files.writeString(tmp, "  port=8080 \n");
        check("load_existing", Config.load(tmp.toString(), "none").equals("port=8080"));
        check("load_missing_returns_fallback", Config.load("/nonexistent/app.conf", "port=80").equals("port=80"));
        System.out.println((2 - failed) + "/2 passed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
