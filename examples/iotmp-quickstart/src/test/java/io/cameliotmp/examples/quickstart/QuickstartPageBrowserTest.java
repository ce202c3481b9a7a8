package io.cameliotmp.examples.quickstart;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The page at {@code /} in a real headless browser: Debian's chromium driven by its chromedriver through Selenium.
 * Both are taken from /usr/bin, never downloaded (CI installs the packages {@code chromium} and
 * {@code chromium-driver}); without them the test fails, it does not skip. The final state of the page is saved to
 * {@code target/screenshots/quickstart.png}.
 */
class QuickstartPageBrowserTest extends QuickstartTestSupport {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOT = Path.of("target", "screenshots", "quickstart.png");

    private Path profile;
    private ChromeDriver browser;

    @BeforeEach
    void startChromium() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("The browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                 + ": install Debian's packages with `apt-get install -y chromium chromium-driver`");
        }
        profile = Files.createTempDirectory("quickstart-chromium-");
        // Explicit driver and browser: Selenium Manager has nothing to look up, so it downloads nothing.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void listsSim1AndChartsItsTemperatureLive() throws IOException {
        browser.get(uri("/").toString());
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("sign-in-button")).click();

        wait.withMessage("sim-1 listed").ignoring(StaleElementReferenceException.class).until(driver -> {
            driver.findElement(By.cssSelector("#devices button[data-device='sim-1']")).click();
            return true;
        });
        WebElement temperature = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#resources tr[data-resource='temperature']")));
        assertThat(temperature.getText()).contains("temperature").contains("output");
        assertThat(browser.findElement(By.cssSelector("#resources tr[data-resource='led'] td:nth-child(2)")).getText())
                .isEqualTo("input");

        // write through the page: echo answers what it is sent
        WebElement echoInput = browser.findElement(By.cssSelector("#resources tr[data-resource='echo'] input"));
        echoInput.sendKeys("{\"from\":\"the page\"}");
        browser.findElement(By.cssSelector("#resources tr[data-resource='echo'] button[data-action='send']")).click();
        wait.until(ExpectedConditions.textToBe(By.id("resource-result"), "echo → {\"from\":\"the page\"}"));

        temperature.findElement(By.cssSelector("button[data-action='chart']")).click();
        WebElement chart = browser.findElement(By.id("chart"));
        wait.withMessage("the chart receiving samples")
                .until(driver -> Integer.parseInt(chart.getDomAttribute("data-points")) >= 8);
        assertThat(browser.findElement(By.id("chart-title")).getText()).isEqualTo("sim-1 · temperature");
        assertThat(browser.findElement(By.id("chart-status")).getText()).contains("samples");

        Files.createDirectories(SCREENSHOT.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(SCREENSHOT)).isPositive();
    }
}
