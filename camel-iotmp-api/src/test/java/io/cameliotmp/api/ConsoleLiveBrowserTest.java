package io.cameliotmp.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.DeviceFileSystem;
import io.cameliotmp.test.HeadlessChromium;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's live parts in a real headless browser ({@link HeadlessChromium}): devices appearing and going offline
 * as device events arrive (the page has no polling), the files panel against a device with the reference client's
 * {@code $fs} resources over a real directory, and a chart that keeps its history when the stream's rate changes.
 */
class ConsoleLiveBrowserTest extends ApiTestSupport {

    @TempDir
    Path deviceRoot;
    @TempDir
    Path local;

    private HeadlessChromium chromium;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void startChromium() throws IOException {
        chromium = HeadlessChromium.start(1200, 1400);
        browser = chromium.driver();
        wait = new WebDriverWait(browser, WAIT);
        // the console redraws its lists as events come: an element found may be replaced before it is read
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void aDeviceAppearsWhenItConnectsAndShowsOfflineWhenItLeaves() throws Exception {
        signIn();
        wait.withMessage("subscribed to device events").until(
                ExpectedConditions.attributeToBe(By.id("events"), "data-state", "open"));
        // a mark a reload would wipe
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");

        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d.resource("led").output(() -> true));
        By listed = By.cssSelector("#devices button[data-device='dev-1']");
        wait.withMessage("dev-1 listed once connected").until(
                ExpectedConditions.attributeToBe(listed, "data-state", "online"));

        device.close();
        wait.withMessage("dev-1 shown offline once it left").until(
                ExpectedConditions.attributeToBe(listed, "data-state", "offline"));
        assertThat(browser.findElements(By.cssSelector("#events li[data-device='dev-1'][data-event='disconnected']")))
                .hasSize(1);
        assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true;"))
                .isEqualTo(true);
    }

    @Test
    void theFilesPanelListsOpensDownloadsAndUploads() throws Exception {
        Files.createDirectories(deviceRoot.resolve("tmp/logs"));
        Files.writeString(deviceRoot.resolve("tmp/logs/app.log"), "line 1\nline 2\n");
        Files.writeString(deviceRoot.resolve("tmp/readme.txt"), "hello");
        connect("demo", "dev-1", "secret-1", d -> DeviceFileSystem.install(d, deviceRoot));
        signIn();
        pickDevice("dev-1");

        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#resources tr[data-resource='$fs/get/*path'] button[data-action='files']"))).click();
        // the panel opens at /tmp: a directory and a file
        wait.withMessage("/tmp listed").until(ExpectedConditions.attributeToBe(By.id("files"), "data-path", "/tmp"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#files tr[data-name='readme.txt']")));
        browser.findElement(By.cssSelector("#files tr[data-name='logs'] button[data-action='open']")).click();
        wait.withMessage("/tmp/logs listed").until(
                ExpectedConditions.attributeToBe(By.id("files"), "data-path", "/tmp/logs"));

        WebElement download = wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#files tr[data-name='app.log'] a[data-action='download']")));
        download.click();
        Path downloaded = chromium.downloads().resolve("app.log");
        Awaitility.await("app.log downloaded").atMost(WAIT).until(() -> Files.isRegularFile(downloaded)
                && "line 1\nline 2\n".equals(Files.readString(downloaded)));

        browser.findElement(By.cssSelector("#files tr[data-name='app.log'] button[data-action='info']")).click();
        wait.withMessage("app.log described").until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("files-info"), "\"size\": 14"));

        Path upload = local.resolve("notes.bin");
        byte[] content = new byte[300_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7);
        }
        Files.write(upload, content);
        browser.findElement(By.id("files-upload")).sendKeys(upload.toString());
        browser.findElement(By.id("files-send")).click();
        wait.withMessage("uploaded").until(ExpectedConditions.attributeToBe(By.id("files-status"), "data-uploaded",
                "/tmp/logs/notes.bin"));
        assertThat(Files.readAllBytes(deviceRoot.resolve("tmp/logs/notes.bin"))).isEqualTo(content);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#files tr[data-name='notes.bin']")));

        browser.findElement(By.id("files-up")).click();
        wait.withMessage("back in /tmp").until(ExpectedConditions.attributeToBe(By.id("files"), "data-path", "/tmp"));
        chromium.screenshot(Path.of("target", "screenshots", "console-files.png"));
    }

    /**
     * A chart of a resource every second; then on change: the earlier samples stay (the axis is time), the unit of
     * the description is shown, and samples pushed on change are added.
     */
    @Test
    void aChartKeepsItsHistoryWhenTheRateChanges() throws Exception {
        AtomicInteger reading = new AtomicInteger(20);
        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d.resource("temperature")
                .output(() -> Map.of("celsius", reading.incrementAndGet(), "unit", "°C")));
        signIn();
        pickDevice("dev-1");

        new Select(browser.findElement(By.id("interval"))).selectByValue("1");
        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#resources tr[data-resource='temperature'] button[data-action='chart']"))).click();
        wait.withMessage("three samples at one a second").until(driver -> points() >= 3);
        wait.until(ExpectedConditions.attributeToBe(By.id("chart"), "data-unit", "°C"));
        String firstTs = browser.findElement(By.id("chart")).getDomAttribute("data-first-ts");
        int before = kept();

        new Select(browser.findElement(By.id("interval"))).selectByValue("");
        wait.withMessage("the stream restarted on change").until(
                ExpectedConditions.attributeToBe(By.id("chart"), "data-rate", "change"));
        assertThat(kept()).isGreaterThanOrEqualTo(before);
        int now = points();
        // on change: a sample only when the device says so
        Awaitility.await("a sample pushed on change arrives").atMost(WAIT).until(() -> {
            device.stream("temperature");
            return points() > now;
        });
        assertThat(browser.findElement(By.id("chart")).getDomAttribute("data-first-ts")).isEqualTo(firstTs);
        assertThat(kept()).isGreaterThan(before);
        assertThat(browser.findElement(By.id("chart-title")).getText()).contains("temperature");
    }

    private int points() {
        return Integer.parseInt(browser.findElement(By.id("chart")).getDomAttribute("data-points"));
    }

    private int kept() {
        String kept = browser.findElement(By.id("chart")).getDomAttribute("data-kept");
        return kept == null ? 0 : Integer.parseInt(kept);
    }

    private void signIn() {
        browser.get(uri("/console/").toString());
        browser.findElement(By.id("token")).sendKeys(ALL);
        browser.findElement(By.id("sign-in-button")).click();
    }

    private void pickDevice(String device) {
        wait.withMessage(device + " listed").until(driver -> {
            driver.findElement(By.cssSelector("#devices button[data-device='" + device + "']")).click();
            return true;
        });
    }
}
