using Livechat.Server.Data;
using Livechat.Server.Scheduling;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Livechat.Server.Tests.Scheduling;

/// <summary>The runner every timed feature hangs on: it runs on the server's clock, and one failing action does not stop the rest.</summary>
public sealed class TimedActionsTests(SqliteServerFactory factory) : IClassFixture<SqliteServerFactory>
{
    sealed class Recording(string name, bool fail) : ITimedAction
    {
        public List<DateTime> Runs { get; } = [];

        public string Name => name;

        public Task<int> RunDueAsync(IServiceProvider services, DateTime now, CancellationToken ct)
        {
            lock (Runs) Runs.Add(now);
            if (fail) throw new InvalidOperationException("this action always fails");
            Assert.NotNull(services.GetService<LivechatDb>());   // a scope of its own, with the database
            return Task.FromResult(1);
        }
    }

    [Fact]
    public async Task EveryActionRunsOnTheServersClockAndAFailureStopsNoOther()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));   // whole ms, as the server keeps time
        var failing = new Recording("failing", fail: true);
        var counting = new Recording("counting", fail: false);
        await using var server = factory.WithWebHostBuilder(b => b.UseSetting("TimedActions:IntervalSeconds", "30").ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<ITimedAction>(failing);
            s.AddSingleton<ITimedAction>(counting);
        }));
        var runner = server.Services.GetRequiredService<TimedActions>();

        Assert.Equal(1, await runner.RunOnceAsync());
        Assert.Equal([clock.GetUtcNow().UtcDateTime], counting.Runs);
        Assert.Single(failing.Runs);

        // The background pass comes when the clock has moved a whole interval, not before.
        clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(200);
        Assert.Single(counting.Runs);
        clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 100 && counting.Runs.Count < 2; i++) await Task.Delay(50);
        Assert.Equal(2, counting.Runs.Count);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, counting.Runs[1]);
        Assert.Equal(2, failing.Runs.Count);
    }
}
