using LiveCounter.Visitors;

namespace LiveCounter.Tables.Tests;

public static class TestVisitors
{
    public const string AliceId = "3f2b8c1e-5d4a-4b7e-9c2f-1a6d8e0b4c7a";

    public const string BobId = "9a1c7e5b-2f4d-4e8a-b6c3-0d5f7a9e1b2c";

    public static VisitorId Alice => VisitorId.Parse(AliceId, "test").Value!;

    public static VisitorId Bob => VisitorId.Parse(BobId, "test").Value!;
}
