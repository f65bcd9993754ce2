using System.Diagnostics;
using System.Text;
using LiveCounter.Tables.Testing;

namespace LiveCounter.Standalone.Tests.Hosting;

/// <summary>
/// Standalone started as a plain process from a working directory that holds no appsettings.json, so that nothing but
/// the code decides what is logged: a visitor id still never reaches a log line.
/// </summary>
public sealed class StartedElsewhereTests
{
    const string Visitor = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";

    readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Started_from_a_folder_without_its_settings_it_logs_requests_but_never_a_visitor_id()
    {
        var elsewhere = Directory.CreateTempSubdirectory("livecounter-elsewhere-");
        var port = LoopbackPort.Free();
        var output = new StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = Start(elsewhere.FullName, port, output, started);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await started.Task.WaitAsync(TimeSpan.FromSeconds(60), _ct);

            using var negotiated = await http.PostAsync(new Uri($"api/negotiate?visitorId={Visitor}&negotiateVersion=1", UriKind.Relative), null, _ct);
            using var increment = new HttpRequestMessage(HttpMethod.Post, "api/counters/elsewhere/increment") { Headers = { { "X-Visitor-Id", Visitor } } };
            using var incremented = await http.SendAsync(increment, _ct);

            Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
            Assert.Equal(HttpStatusCode.OK, incremented.StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(_ct);
            elsewhere.Delete(recursive: true);
        }

        var log = output.ToString();
        Assert.Contains("POST /api/counters/elsewhere/increment 200", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Visitor, log, StringComparison.OrdinalIgnoreCase);
    }

    static Process Start(string workingDirectory, int port, StringBuilder output, TaskCompletionSource started)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LiveCounter.Standalone.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) =>
        {
            Append(output, line.Data);
            if (line.Data?.Contains("Application started", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.Exited += (_, _) => started.TrySetException(new InvalidOperationException("Standalone exited before it started:\n" + output));
        process.EnableRaisingEvents = true;
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    static void Append(StringBuilder output, string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
