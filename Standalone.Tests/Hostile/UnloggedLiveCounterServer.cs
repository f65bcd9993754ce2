using LiveCounter.Standalone.Hosting;
using LiveCounter.Standalone.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace LiveCounter.Standalone.Tests.Hostile;

/// <summary>A <see cref="LiveCounterServer"/> without the per-request log line, for tests that send tens of thousands of requests.</summary>
public sealed class UnloggedLiveCounterServer : LiveCounterServer
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddFilter(RequestLogging.Category, LogLevel.Warning));
    }
}
