namespace LiveCounter.Standalone.Hosting;

/// <summary>Where the built pages are: the build copies web/dist beside the app as "web".</summary>
public static class WebRoot
{
    public static string Locate() => Path.Combine(AppContext.BaseDirectory, "web");
}
