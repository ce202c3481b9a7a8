package io.cameliotmp.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.DeviceFileSystem;
import io.cameliotmp.test.HeadlessChromium;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real headless browser ({@link HeadlessChromium}) puts its access token in no URL: the device events,
 * a chart's stream, a terminal's WebSocket and a file's download are opened on single-use tickets, and the links it
 * shows carry none. Checked on what the server received ({@link RequestUrls}, as its access log or a proxy's has it)
 * and on the page itself.
 */
class ConsoleTokenInNoUrlBrowserTest extends ApiTestSupport {

    @TempDir
    Path deviceRoot;

    @Autowired
    RequestUrls urls;

    @Autowired
    DeviceEvents events;

    private HeadlessChromium chromium;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void startChromium() throws IOException {
        chromium = HeadlessChromium.start(1200, 1400);
        browser = chromium.driver();
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void eventsAChartATerminalAndADownloadOpenNoUrlWithTheToken() throws Exception {
        Files.createDirectories(deviceRoot.resolve("tmp"));
        Files.writeString(deviceRoot.resolve("tmp/report.csv"), "a,b\n1,2\n");
        connect("demo", "dev-1", "secret-1", d -> {
            DeviceFileSystem.install(d, deviceRoot);
            d.resource("temperature").output(() -> Map.of("celsius", 21));
            d.resource("$terminal/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null);
        });
        urls.clear();

        browser.get(uri("/console/").toString());
        browser.findElement(By.id("token")).sendKeys(ALL);
        browser.findElement(By.id("sign-in-button")).click();
        wait.withMessage("subscribed to device events").until(
                ExpectedConditions.attributeToBe(By.id("events"), "data-state", "open"));
        wait.withMessage("dev-1 listed").until(driver -> {
            driver.findElement(By.cssSelector("#devices button[data-device='dev-1']")).click();
            return true;
        });

        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#resources tr[data-resource='temperature'] button[data-action='chart']"))).click();
        wait.withMessage("a sample charted").until(driver -> Integer.parseInt(
                driver.findElement(By.id("chart")).getDomAttribute("data-points")) >= 1);

        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#resources tr[data-resource='$terminal/:session'] button[data-action='terminal']")))
                .click();
        wait.withMessage("the terminal's session open").until(
                ExpectedConditions.attributeToBe(By.id("terminal-status"), "data-state", "open"));

        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#resources tr[data-resource='$fs/get/*path'] button[data-action='files']"))).click();
        wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#files tr[data-name='report.csv'] a[data-action='download']"))).click();
        Path downloaded = chromium.downloads().resolve("report.csv");
        Awaitility.await("report.csv downloaded").atMost(WAIT).until(() -> Files.isRegularFile(downloaded)
                && "a,b\n1,2\n".equals(Files.readString(downloaded)));

        List<String> received = urls.received();
        assertThat(received).as("what the server received")
                .allSatisfy(url -> assertThat(url).doesNotContain(ALL).doesNotContainIgnoringCase("authorization"));
        assertThat(received).as("what the server received, opened on tickets")
                .anyMatch(url -> url.startsWith("/v3/users/demo/events?ticket="))
                .anyMatch(url -> url.startsWith("/v3/users/demo/devices/dev-1/resources/temperature/stream")
                                 && url.contains("ticket="))
                .anyMatch(url -> url.startsWith("/v3/users/demo/devices/dev-1/sessions/terminal?")
                                 && url.contains("ticket="))
                .anyMatch(url -> url.startsWith("/v3/users/demo/devices/dev-1/files/download?path=%2Ftmp%2Freport.csv")
                                 && url.contains("&ticket="));
        String page = (String) browser.executeScript("return document.documentElement.outerHTML;");
        assertThat(page).as("the page shows no link with the token").doesNotContain(ALL)
                .doesNotContain("authorization=");
        assertThat(browser.findElement(By.cssSelector("#files tr[data-name='report.csv'] a[data-action='download']"))
                .getDomAttribute("href"))
                .isEqualTo("/v3/users/demo/devices/dev-1/files/download?path=%2Ftmp%2Freport.csv");
    }

    /**
     * The browser's own reconnect of a dropped {@code EventSource} would present its used ticket again and be refused
     * for good: the console opens the device events again on a new ticket, and they work.
     */
    @Test
    void droppedDeviceEventsAreOpenedAgainOnANewTicket() throws Exception {
        urls.clear();
        browser.get(uri("/console/").toString());
        browser.findElement(By.id("token")).sendKeys(ALL);
        browser.findElement(By.id("sign-in-button")).click();
        wait.withMessage("subscribed to device events").until(
                ExpectedConditions.attributeToBe(By.id("events"), "data-state", "open"));

        events.endSubscriptions();
        wait.withMessage("subscribed again, on another ticket").until(driver -> eventUrls().size() >= 2
                && "open".equals(driver.findElement(By.id("events")).getDomAttribute("data-state")));
        assertThat(eventUrls()).doesNotHaveDuplicates()
                .allSatisfy(url -> assertThat(url).startsWith("/v3/users/demo/events?ticket="));

        connect("demo", "dev-1", "secret-1", d -> d.resource("led").output(() -> true));
        wait.withMessage("dev-1 listed by the new subscription").until(ExpectedConditions.attributeToBe(
                By.cssSelector("#devices button[data-device='dev-1']"), "data-state", "online"));
        assertThat(urls.received()).allSatisfy(url -> assertThat(url).doesNotContain(ALL));
    }

    private List<String> eventUrls() {
        return urls.received().stream().filter(url -> url.startsWith("/v3/users/demo/events")).toList();
    }
}
