// cppunit_main: the one main() of every CppUnit runner.
//
// Usage: <runner> [Suite ...]. With no argument every registered suite runs; otherwise only the
// named ones (CppUnit test paths, e.g. "ChannelBindMatrixTest"). Exit status 0 only when every
// test that ran passed and at least one test ran.
#include <exception>
#include <iostream>

#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

int main(int argc, char** argv) {
  CppUnit::TestResult controller;
  CppUnit::TestResultCollector collector;
  controller.addListener(&collector);
  CppUnit::BriefTestProgressListener progress;
  controller.addListener(&progress);

  CppUnit::TestRunner runner;
  runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
  try {
    if (argc <= 1) {
      runner.run(controller);
    } else {
      for (int i = 1; i < argc; ++i) {
        runner.run(controller, argv[i]);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "no such test: " << e.what() << "\n";
    return 2;
  }
  CppUnit::CompilerOutputter outputter(&collector, std::cerr);
  outputter.write();
  std::cout.flush();
  if (collector.runTests() == 0) {
    std::cerr << "no test ran\n";
    return 1;
  }
  return collector.wasSuccessful() ? 0 : 1;
}
