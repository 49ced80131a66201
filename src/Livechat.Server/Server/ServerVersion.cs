using System.Reflection;

namespace Livechat.Server.Server;

public static class ServerVersion
{
    /// <summary>The assembly's informational version without its commit suffix: <c>/api/info</c>, telemetry.</summary>
    public static readonly string Current =
        typeof(ServerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
